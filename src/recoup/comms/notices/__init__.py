"""Statutory notices with their clocks: right to cure, intent to repossess, disposition, deficiency (US); arrears and default notices (UK)."""
