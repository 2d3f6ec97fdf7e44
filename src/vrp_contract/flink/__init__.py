"""The validator as an Apache Flink job (the `flink` extra: `pip install 'vrp-contract[flink]'`).

`vrp_contract.flink.logic` and `vrp_contract.flink.units` are plain Python; `vrp_contract.flink.job`
imports PyFlink.
"""

from __future__ import annotations

from vrp_contract.flink.logic import IDLE_RULE, LATE_RULE, JobLogic, LogicConfig
from vrp_contract.flink.units import Unit, plan_units, read_unit

__all__ = ["IDLE_RULE", "LATE_RULE", "JobLogic", "LogicConfig", "Unit", "plan_units", "read_unit"]
