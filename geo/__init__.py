"""Pure domain code of Carto-VIF: territories, service listings, distances and gaps (no UI)."""
