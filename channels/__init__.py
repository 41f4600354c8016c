"""Thin adapters between platforms and the core: they translate, they own nothing else."""
