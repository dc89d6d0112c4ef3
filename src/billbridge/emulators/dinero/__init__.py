"""Stand-alone emulator of Dinero's API (api.dinero.dk), its personal-integration token
endpoint (authz.dinero.dk) and Visma Connect (connect.visma.com), after Dinero's official
OpenAPI description (`openapi.json`, a copy of shared/api/dinero-openapi.json).

Modules: ``server`` (app, routes, Bearer auth, Pro, limits, brownout, control endpoints),
``ledger`` (the kassekladde's six operations, asynchronous booking, VAT per line),
``accounts`` (accounts, VAT types, organisations, ``?fields=``), ``files`` (uploads, opaque
FileGuids that become usable a moment later), ``connect`` (Visma Connect: authorize pages,
token, discovery), ``openapi`` (request bodies against the file's schemas), ``errors``
(Dinero's error bodies), ``page`` (the kassekladde page), ``seed`` (deterministic data, the
standard chart). Imports nothing from Django or the product. Every behaviour the file leaves
open is marked [GUESS] where it is decided.
"""
