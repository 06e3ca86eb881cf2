"""Mnemo's environment protocol (mnemo.env.v1) in Python: a client and a Python-written environment server."""
