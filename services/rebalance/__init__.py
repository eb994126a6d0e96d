"""Network rebalancing: the national optimisation of technician loans, referrals and parts transfers
(inputs → model → proposals), and one store's technician-loan proposals."""

from services.rebalance.inputs import Params, load_inputs
from services.rebalance.model import expected_wait_min, solve
from services.rebalance.proposals import RebalanceResult, build_proposals, loan_proposals, national

__all__ = ["Params", "RebalanceResult", "build_proposals", "expected_wait_min", "load_inputs", "loan_proposals",
           "national", "solve"]
