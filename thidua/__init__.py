"""thidua-bot's composition root: the ``thidua`` command and the runtime it assembles."""
