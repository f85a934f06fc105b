"""A researcher's own policy, kept outside the model's code (docs/research-guide.md, "Custom policies").

A scenario names it by module and class; the module must be importable (installed, or its folder on
PYTHONPATH), and worker processes import it again by that name:

    [[policies]]
    name = "wait_then_cut"
    kind = "examples.my_policies:WaitThenCut"
    wait_months = 12
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from model.policies import CostCutting, CuttingParams
from model.state import FirmState


class WaitThenCutParams(CuttingParams):
    wait_months: Annotated[int, Field(ge=0, le=120)] = 12


class WaitThenCut(CostCutting):
    """Cost cutting that lays nobody off before the tool has run for ``wait_months`` months."""

    Params = WaitThenCutParams

    def decide(self, firm: FirmState) -> None:
        if firm.month >= self.params.wait_months:
            super().decide(firm)
