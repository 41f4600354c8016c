"""The persistent state: models, repositories, the unit of work, migrations."""
