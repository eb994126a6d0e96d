"""Dispatch of a store-day: the CP-SAT model, the greedy and FCFS plans, re-planning, technician recommendation."""
