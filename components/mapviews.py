"""The app's maps, composed from the builders of ``components.maps`` (folium, no Streamlit)."""

from __future__ import annotations

import math
import os

import folium
import geopandas as gpd
import pandas as pd

from components import maps

#: Distance classes of the coverage map, km straight line, and their colours (near = light).
DISTANCE_BINS = (0.0, 5.0, 10.0, 15.0, 20.0, 30.0, math.inf)
DISTANCE_COLOURS = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#f03b20", "#bd0026")
DISTANCE_TOOLTIP = {
    "Commune": "nom",
    "Habitants (2023)": "population",
    "Distance au plus proche (km, à vol d'oiseau)": "value",
    "Service le plus proche": "nearest_name",
    "": "class",
    "Service sans lieu précis :": "sector",
}
#: Name of the hatched layer in the layer control (and in the pages' captions).
SECTOR_LAYER = maps.SECTOR_NAME
#: Tooltip line of a unit inside the catchment of a service without a place.
SECTOR_NOTE = "dessert la commune (lieu inconnu)"


def configured_basemap() -> maps.Basemap | None:
    """The basemap set by ``CARTO_VIF_BASEMAP_URL`` (+ ``_ATTRIBUTION``), none by default."""
    url = os.environ.get("CARTO_VIF_BASEMAP_URL", "").strip()
    if not url:
        return None
    return maps.Basemap(url=url, attribution=os.environ.get("CARTO_VIF_BASEMAP_ATTRIBUTION", ""))


def bounds_of(frame: gpd.GeoDataFrame) -> list[list[float]]:
    """Return ``[[south, west], [north, east]]`` of a layer in degrees."""
    west, south, east, north = frame.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def _choropleth_base(
    polygons: gpd.GeoDataFrame,
    unit_table: pd.DataFrame,
    bins: list[float],
    colours: list[str],
    name: str,
    classes: pd.Series | None,
) -> folium.Map:
    """New map with the units coloured by ``distance_km`` in ``bins`` (special ``classes``)."""
    columns = ["unit", "nom", "population", "nearest_name"]
    inside = unit_table.get("in_catchment", pd.Series(False, index=unit_table.index))
    table = unit_table[columns].assign(sector=inside.map({True: SECTOR_NOTE, False: None}))
    shown = polygons[["unit", "geometry"]].merge(table, on="unit", how="left")
    values = unit_table.set_index("unit")["distance_km"]
    m = maps.new_map(bounds=bounds_of(polygons), basemap=configured_basemap())
    maps.choropleth_layer(
        shown, values, bins, colours, name, tooltip_fields=DISTANCE_TOOLTIP, classes=classes,
    ).add_to(m)
    return m


def _add_sector(m: folium.Map, polygons: gpd.GeoDataFrame, unit_table: pd.DataFrame) -> None:
    """Hatch, over the classes, the units in the catchment of a service without a place."""
    if "in_catchment" not in unit_table:
        return
    inside = unit_table.loc[unit_table["in_catchment"].astype(bool), "unit"]
    sector = polygons[polygons["unit"].isin(inside)]
    if not sector.empty:
        maps.sector_layer(sector).add_to(m)


def _add_outlines(m: folium.Map, outlines: dict[str, gpd.GeoDataFrame]) -> None:
    for label, (frame, colour, show) in _outline_styles(outlines).items():
        maps.outline_layer(frame, label, colour=colour, show=show).add_to(m)


def _add_points(m: folium.Map, points: pd.DataFrame, name: str, radius: int = 6) -> None:
    if not points.empty:
        maps.service_points_layer(points, name=name, radius=radius).add_to(m)


def distance_map(
    polygons: gpd.GeoDataFrame,
    unit_table: pd.DataFrame,
    classes: pd.Series,
    points: pd.DataFrame,
    outlines: dict[str, gpd.GeoDataFrame],
    name: str = "Distance au service le plus proche",
) -> folium.Map:
    """Return a map of units coloured by distance, with service points and switchable outlines.

    ``polygons`` has ``unit`` and geometry; ``unit_table`` has ``unit``, ``nom``,
    ``population``, ``distance_km``, ``nearest_name`` and optionally ``in_catchment`` (hatched
    over the classes, :func:`components.maps.sector_layer`); ``classes`` (indexed by unit)
    holds special classes; ``points`` are the services to draw (never secret ones).
    """
    m = _choropleth_base(polygons, unit_table, list(DISTANCE_BINS), list(DISTANCE_COLOURS),
                         name, classes)
    _add_sector(m, polygons, unit_table)
    _add_outlines(m, outlines)
    _add_points(m, points, "Lieux des services")
    return maps.add_layer_control(m)


def _outline_styles(
    outlines: dict[str, gpd.GeoDataFrame],
) -> dict[str, tuple[gpd.GeoDataFrame, str, bool]]:
    colours = {"Arrondissements": ("#252525", True), "EPCI": ("#6a51a3", False)}
    return {
        label: (frame, *colours.get(label, ("#252525", True)))
        for label, frame in outlines.items()
        if not frame.empty
    }


def sector_legend() -> list[tuple[str, str, str]]:
    """Legend entry of the hatched layer (label, colour, SVG path)."""
    return [(maps.SECTOR_NAME + " (hachures)", maps.SECTOR_COLOUR, maps.HATCH_PATH)]


def distance_legend(with_sector: bool = True) -> list[tuple[str, ...]]:
    """Legend of :func:`distance_map`: distance classes, special classes, the sector layer."""
    bins = maps.bins_legend(list(DISTANCE_BINS), list(DISTANCE_COLOURS), unit="km")
    return bins + (sector_legend() if with_sector else [])


BEYOND_COLOURS = ("#f7f7f7", "#d7301f")


def beyond_map(
    polygons: gpd.GeoDataFrame,
    unit_table: pd.DataFrame,
    classes: pd.Series,
    threshold_km: float,
    outlines: dict[str, gpd.GeoDataFrame],
) -> folium.Map:
    """Return a map where the units beyond ``threshold_km`` are red, the others pale.

    "Beyond" is :func:`geo.gaps.is_beyond` (via :func:`components.maps.bin_index`), as in the
    figures; the catchment of services without a place is hatched over it, never instead.
    """
    m = _choropleth_base(polygons, unit_table, [0.0, threshold_km, math.inf],
                         list(BEYOND_COLOURS), f"Communes à plus de {threshold_km:.0f} km",
                         classes)
    _add_sector(m, polygons, unit_table)
    _add_outlines(m, outlines)
    return maps.add_layer_control(m)


def beyond_legend(threshold_km: float) -> list[tuple[str, ...]]:
    """Legend of :func:`beyond_map`."""
    km = maps.format_value(float(threshold_km))
    return [(f"jusqu'à {km} km (compris)", BEYOND_COLOURS[0]),
            (f"plus de {km} km", BEYOND_COLOURS[1])] + [
        (c.label, c.fill) for c in maps.SPECIAL_CLASSES.values()] + sector_legend()


def points_map(
    polygons: gpd.GeoDataFrame, points: pd.DataFrame, outlines: dict[str, gpd.GeoDataFrame]
) -> folium.Map:
    """Return a map of service points over the département's outlines (no secret place)."""
    m = maps.new_map(bounds=bounds_of(polygons), basemap=configured_basemap())
    _add_outlines(m, outlines)
    _add_points(m, points, "Services de l'annuaire")
    return maps.add_layer_control(m)


def territory_map(
    polygons: gpd.GeoDataFrame,
    unit_table: pd.DataFrame,
    outline: gpd.GeoSeries,
    inside: pd.DataFrame,
    near: pd.DataFrame,
    classes: pd.Series | None = None,
) -> folium.Map:
    """Return the map of one territory ("Mon territoire"): its units by distance, its outline,
    its services and, in a second layer, the services just outside that its people use.

    ``polygons`` are the territory's units (every département it touches), ``unit_table`` has
    ``distance_km`` to the nearest permanence; ``outline`` is the territory (EPSG:4326).
    """
    m = _choropleth_base(polygons, unit_table, list(DISTANCE_BINS), list(DISTANCE_COLOURS),
                         "Distance à la permanence la plus proche", classes)
    frame = gpd.GeoDataFrame({"nom": [""] * len(outline)}, geometry=outline.to_numpy(),
                             crs=outline.crs)
    maps.outline_layer(frame, "Limite du territoire", weight=2.5, label_column=None).add_to(m)
    _add_points(m, inside, "Services du territoire")
    _add_points(m, near, "Services à proximité (10 km)", radius=4)
    return maps.add_layer_control(m)


FRESHNESS_BINS = (0.0, 25.0, 50.0, 75.0, 100.0)
FRESHNESS_COLOURS = ("#1a9850", "#a6d96a", "#fdae61", "#d73027")


def freshness_map(arrondissements: gpd.GeoDataFrame, stale_share: pd.Series) -> folium.Map:
    """Arrondissements coloured by the share of their services not checked for 12 months."""
    polygons = arrondissements.rename(columns={"code": "unit"})[["unit", "nom", "geometry"]]
    m = maps.new_map(bounds=bounds_of(polygons), basemap=configured_basemap())
    maps.choropleth_layer(
        polygons, stale_share, list(FRESHNESS_BINS), list(FRESHNESS_COLOURS),
        "Services non vérifiés depuis 12 mois",
        tooltip_fields={"Arrondissement": "nom", "Non vérifiés depuis 12 mois (%)": "value"},
    ).add_to(m)
    return m


def freshness_legend() -> list[tuple[str, str]]:
    """Legend of :func:`freshness_map`."""
    return maps.bins_legend(list(FRESHNESS_BINS), list(FRESHNESS_COLOURS), unit="%",
                            special_classes=None) + [("aucun service localisé", "#ffffff")]
