"""Plumbing shared by every emulator: HTTP request/response (:mod:`.web`), the sandbox pages'
look and flash messages (:mod:`.pages`) and the fake label PDF (:mod:`.pdf`). The JSON state
store is :mod:`sandbox.store`.
"""
