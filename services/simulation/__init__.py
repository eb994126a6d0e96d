"""Discrete-event simulation of the store network: resources, demand, engine, policies, KPIs, calibration."""

from .engine import StoreSimulator, Workshop, simulate, simulate_parallel, simulate_store
from .kpi import NATIONAL, KpiAccumulator, Kpis, compute_kpis
from .params import RegionParams, SimParams, load_params
from .policies import Dispatcher, FcfsDispatcher, NetworkView, OldPolicy, Policy
from .records import Request, StoreDay, StoreResult, Transfer, WorkOrder
from .resources import (
    Bay,
    Customer,
    NetworkSpec,
    Placement,
    StoreProfile,
    StoreSpec,
    Technician,
    Vehicle,
    build_network,
    iter_customers,
    store_customers,
)
from .timebase import SHANGHAI, day_of, epoch, to_datetime, to_minute

__all__ = [
    "NATIONAL",
    "SHANGHAI",
    "Bay",
    "Customer",
    "Dispatcher",
    "FcfsDispatcher",
    "KpiAccumulator",
    "Kpis",
    "NetworkSpec",
    "NetworkView",
    "OldPolicy",
    "Placement",
    "Policy",
    "RegionParams",
    "Request",
    "SimParams",
    "StoreDay",
    "StoreProfile",
    "StoreResult",
    "StoreSimulator",
    "StoreSpec",
    "Technician",
    "Transfer",
    "Vehicle",
    "WorkOrder",
    "Workshop",
    "build_network",
    "compute_kpis",
    "day_of",
    "epoch",
    "iter_customers",
    "load_params",
    "simulate",
    "simulate_parallel",
    "simulate_store",
    "store_customers",
    "to_datetime",
    "to_minute",
]
