"""The synthetic demo and scale data: deterministic, and calibrated to the published figures."""
