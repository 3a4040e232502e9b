"""The open-data face of the catalogue: the read-only REST API, its OpenAPI schema and documentation,
and the CSV and Excel exports. Every initiative endpoint filters through `InitiativeFilterSet`."""
