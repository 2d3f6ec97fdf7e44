"""The behavioural contract in every language: neutral tables and one generator per language.

`common.tables(revision)` reads a revision's state machine, behaviour data, invariants and default
policy into neutral tables; each language module turns them into constants and a session checker
inside that language's generated package.
"""
