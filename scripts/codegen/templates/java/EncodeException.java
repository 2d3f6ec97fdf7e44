// @@HEADER@@
package @@PACKAGE@@;

/** {@link VrpEvents#encode} was given an event that decode would refuse (same rule, pointer, sentence). */
public final class EncodeException extends DecodeException {
    private static final long serialVersionUID = 1L;

    EncodeException(DecodeException problem) {
        super(problem.rule(), problem.pointer(), problem.detail());
    }
}
