"""Webshipper: two-way order sync (not connectable yet: the System Integration page says so)."""

WEBSHIPPER = "webshipper"
