"""Statutory notices with their clocks: right to cure, intent to repossess, disposition and
deficiency (US); notices of sums in arrears and default notices (UK)."""
