"""Setup: who is who (invite codes, people and roles), the unit tree, and the plan as stored."""
