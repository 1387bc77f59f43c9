"""ShipStation Custom Store (mode 1): ShipStation pulls Hakobu's orders as XML and posts ship
notices back. This package is the format only — no models, views or queries:

- export: OrderForExport (plain data) → the `<Orders>` document for one page;
- ship_notice: a POSTed body (+ query) → ShipNotice, or ShipNoticeError;
- dates: ShipStation's `MM/dd/yyyy HH:mm` UTC dates and the export window.

Facts that may need correcting live in integrations.shipstation.facts.
"""
