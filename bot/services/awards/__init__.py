"""Awards: the register of awards recorded from decisions (a spreadsheet, or the office's form),
and progress toward the plan's targets."""
