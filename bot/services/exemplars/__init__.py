"""The register of exemplars: what the reports name becomes records (intake), followed and
changed with every change kept (changes), listed by who may see them (register), worded for
people (wording)."""
