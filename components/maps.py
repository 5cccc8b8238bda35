"""Folium map builders: offline Leaflet, escaped texts, no secret place. No Streamlit here.

Every map comes from :func:`new_map`, which loads Leaflet and jQuery from the app's own
``static/vendor/`` (served at ``/app/static/``) and has no basemap unless one is configured.
Layers are built from plain frames; only the columns a layer displays are serialised, and every
text is HTML-escaped *before* it enters the GeoJSON properties. The popups and tooltips are then
assembled in the browser from those escaped strings and fixed French labels, so data is always
shown as text. Legends are returned as ``(label, colour)`` pairs for the page to draw with
``st.*`` (branca colormaps would make streamlit-folium add CDN links).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import branca.element
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.template import Template
from folium.utilities import JsCode

from geo.gaps import is_beyond
from geo.schema import CATEGORIES, SECRET_CATEGORIES

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
STATIC_URL = "/app/static/"
LOCAL_JS = [
    ("leaflet", STATIC_URL + "vendor/leaflet/leaflet.js"),
    ("jquery", STATIC_URL + "vendor/jquery/jquery.min.js"),  # folium.Popup uses $(...)
]
LOCAL_CSS = [("leaflet_css", STATIC_URL + "vendor/leaflet/leaflet.css")]
ICON_PATH = STATIC_URL + "vendor/leaflet/images/"
FRANCE_CENTRE = (46.6, 2.4)
#: Decimals kept on coordinates sent to the browser (1e-5 degree is about 1 m).
DECIMALS = 5
#: Columns of ``service_points_layer`` input shown in the popup, with their property key.
POINT_FIELDS = {"name": "n", "operator": "o", "address": "a", "schedule": "h", "phone": "t"}
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Basemap:
    """A tile layer from configuration: URL template (``{z}/{x}/{y}``) and plain-text credit."""

    url: str
    attribution: str
    max_zoom: int = 18
    name: str = "Fond de carte"


@dataclass(frozen=True)
class SpecialClass:
    """Style of a choropleth class that is not a bin (e.g. no located place)."""

    label: str
    fill: str
    stroke: str = "#737373"
    dash: str | None = None
    fill_opacity: float = 0.7


#: Default special classes for ``choropleth_layer(classes=...)``, keyed by class code.
SPECIAL_CLASSES: dict[str, SpecialClass] = {
    "sans_lieu": SpecialClass("Sans lieu localisé", "#bdbdbd"),
}
NO_DATA = SpecialClass("Pas de donnée", "#ffffff", stroke="#969696", fill_opacity=0.3)


class _IconPath(branca.element.MacroElement):
    """Tell Leaflet where the vendored marker images are (it guesses wrong in an iframe)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.Icon.Default.imagePath = {{ this.path|tojson }};"
        "{% endmacro %}"
    )

    def __init__(self, path: str) -> None:
        super().__init__()
        self._name = "IconPath"
        self.path = path


class ClickReporter(branca.element.MacroElement):
    """Post each click on the map to the parent window (read by ``components.clickmap``).

    Only the coordinates leave the map frame: no feature, no text.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.on('click', function (e) {"
        " window.parent.postMessage({type: 'cvif-click', lat: e.latlng.lat,"
        " lng: e.latlng.lng}, '*'); });"
        "{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ClickReporter"


def escape_text(value: object) -> str:
    """Return ``value`` as HTML-safe text: ``""`` when missing, ``& < > " ' ` `` escaped."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True).replace("`", "&#96;")


def new_map(
    location: Sequence[float] | None = None,
    zoom_start: int = 6,
    bounds: Sequence[Sequence[float]] | None = None,
    basemap: Basemap | None = None,
) -> folium.Map:
    """Return an offline folium map (local Leaflet, no tiles unless ``basemap`` is given).

    ``bounds`` is ``[[south, west], [north, east]]`` in degrees and wins over ``location``.
    """
    m = folium.Map(
        location=list(location or FRANCE_CENTRE), zoom_start=zoom_start, tiles=None,
        control_scale=True,
    )
    m.default_js, m.default_css = list(LOCAL_JS), list(LOCAL_CSS)  # replace, don't append
    _IconPath(ICON_PATH).add_to(m)  # before any marker
    if basemap is not None:
        folium.TileLayer(
            tiles=basemap.url, attr=escape_text(basemap.attribution),
            name=escape_text(basemap.name), max_zoom=basemap.max_zoom, control=False,
        ).add_to(m)
    if bounds is not None:
        m.fit_bounds([list(bounds[0]), list(bounds[1])])
    return m


def add_layer_control(m: folium.Map, collapsed: bool = False) -> folium.Map:
    """Add the layer switcher (no CDN asset needed); call it after adding the layers."""
    folium.LayerControl(collapsed=collapsed).add_to(m)
    return m


# Service points ---------------------------------------------------------------------------

#: SVG outline (viewBox 0 0 20 20) of each category's symbol: shape and colour together tell
#: the categories apart, also for readers who do not see colours well.
SHAPES = {
    "circle": "M10 2a8 8 0 1 0 0.01 0Z",
    "square": "M3 3h14v14H3Z",
    "triangle": "M10 1.5L18.5 17.5H1.5Z",
    "diamond": "M10 1L19 10L10 19L1 10Z",
    "cross": "M7 2h6v5h5v6h-5v5H7v-5H2V7h5Z",
    "hexagon": "M5.5 2h9l4.5 8-4.5 8h-9L1 10Z",
    "star": "M10 1l2.6 6 6.4.6-4.9 4.2 1.5 6.3L10 14.8 4.4 18.1l1.5-6.3L1 7.6l6.4-.6Z",
    "pentagon": "M10 1.5l8.5 6.2-3.2 10H4.7L1.5 7.7Z",
}
CATEGORY_SHAPES = {
    "permanence": "circle", "accueil_de_jour": "square", "iscg": "triangle", "leao": "diamond",
    "association": "hexagon", "sante": "cross", "justice": "pentagon", "forces_securite": "star",
    "auteurs": "triangle", "dispositif_mobile": "diamond", "ligne_ecoute": "circle",
    "logement": "square", "institution": "pentagon", "france_services": "hexagon",
}

_POINT_TO_LAYER = """function(feature, latlng) {
  var size = 2 * %(radius)s + 4;
  return L.marker(latlng, {icon: L.divIcon({
    className: "cvif-icon", iconSize: [size, size], iconAnchor: [size / 2, size / 2],
    popupAnchor: [0, -size / 2], tooltipAnchor: [size / 2, 0],
    html: '<svg width="' + size + '" height="' + size + '" viewBox="0 0 20 20">' +
          '<path class="cvif-point cvif-point-%(code)s" d="%(shape)s" fill=%(colour)s ' +
          'fill-opacity="0.95" stroke="#ffffff" stroke-width="1.5"/></svg>'})});
}"""
# Properties are escaped in Python: concatenating them with fixed labels is safe.
_POINT_POPUP = """function(feature, layer) {
  var p = feature.properties, lines = ["<b>" + p.n + "</b>", %(label)s];
  [["o", ""], ["a", ""], ["h", "Horaires : "], ["t", "Tél. : "], ["d", ""]].forEach(
    function(k) { if (p[k[0]]) { lines.push(k[1] + p[k[0]]); } });
  layer.bindPopup(lines.join("<br>"));
  layer.bindTooltip(p.n);
}"""


def _refuse_secret(points: pd.DataFrame) -> None:
    """Raise ValueError if a secret place is in ``points`` (naming row labels, never the place)."""
    secret = points["category"].isin(SECRET_CATEGORIES)
    if "confidentiality" in points.columns:
        secret |= points["confidentiality"].eq("secret")
    if secret.any():
        rows = points.index[secret].tolist()[:10]
        raise ValueError(f"secret places must never be drawn as points; rows {rows}")
    unknown = sorted(set(points["category"]) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories {unknown}; expected codes of geo.schema.CATEGORIES")


def _format_km(value: object) -> str:
    """Format a distance in km the French way (``"à 12,3 km"``); ``""`` when missing."""
    if pd.isna(value):
        return ""
    return f"à {float(value):.1f} km".replace(".", ",")


def _point_features(points: pd.DataFrame) -> list[dict]:
    """Return GeoJSON point features holding only the escaped displayed fields."""
    columns = {key: points[col].map(escape_text) for col, key in POINT_FIELDS.items()}
    if "distance_km" in points.columns:
        columns["d"] = points["distance_km"].map(_format_km)
    props = pd.DataFrame(columns).to_dict("records")
    lons = points["lon"].astype(float).round(DECIMALS).tolist()
    lats = points["lat"].astype(float).round(DECIMALS).tolist()
    return [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]},
         "properties": {k: v for k, v in p.items() if v}}
        for x, y, p in zip(lons, lats, props, strict=True)
    ]


def service_points_layer(
    points: pd.DataFrame, name: str = "Lieux d'accueil", radius: int = 6, show: bool = True
) -> folium.FeatureGroup:
    """Return one FeatureGroup with one GeoJson layer of circle markers per category.

    ``points`` has ``lat``, ``lon`` (degrees), ``category`` (a ``CATEGORIES`` code), ``name``,
    ``operator``, ``address``, ``schedule``, ``phone``, optionally ``distance_km`` and
    ``confidentiality``; other columns are ignored and never serialised. Rows without
    coordinates are skipped. Raises ValueError for a secret place (category in
    ``SECRET_CATEGORIES`` or confidentiality ``"secret"``) or an unknown category.
    """
    missing = {"lat", "lon", "category", *POINT_FIELDS} - set(points.columns)
    if missing:
        raise ValueError(f"service points lack columns {sorted(missing)}")
    _refuse_secret(points)
    group = folium.FeatureGroup(name=escape_text(name), show=show)
    located = points[points["lat"].notna() & points["lon"].notna()]
    for code, category in CATEGORIES.items():
        rows = located[located["category"] == code]
        if rows.empty:
            continue
        if not _COLOUR.match(category.colour):
            raise ValueError(f"category {code!r} has an invalid colour {category.colour!r}")
        subs = {"radius": int(radius), "colour": json.dumps(category.colour),
                "shape": SHAPES[CATEGORY_SHAPES.get(code, "circle")],
                "code": re.sub(r"[^a-z0-9_]", "", code),
                "label": json.dumps(escape_text(category.label))}
        folium.GeoJson(
            {"type": "FeatureCollection", "features": _point_features(rows)},
            name=escape_text(category.plural), control=False,
            point_to_layer=JsCode(_POINT_TO_LAYER % subs),
            on_each_feature=JsCode(_POINT_POPUP % subs),
        ).add_to(group)
    return group


# Areas -------------------------------------------------------------------------------------

_AREA_TOOLTIP = """function(feature, layer) {
  var labels = %s, p = feature.properties, lines = [];
  labels.forEach(function(label, i) {
    var v = p["f" + i];
    if (v) { lines.push(label ? "<b>" + label + "</b> " + v : v); } });
  if (lines.length) { layer.bindTooltip(lines.join("<br>"), {sticky: true}); }
}"""


def _rounded(geometry: gpd.GeoSeries) -> np.ndarray:
    """Return ``geometry`` (EPSG:4326, else ValueError) with coordinates rounded to DECIMALS."""
    if geometry.crs is not None and geometry.crs.to_epsg() != 4326:
        raise ValueError(f"map layers must be in EPSG:4326, got {geometry.crs.to_string()}")
    return shapely.transform(geometry.to_numpy(), lambda c: np.round(c, DECIMALS))


def format_value(value: object) -> str:
    """Format a tooltip value: whole numbers without decimals, others with one, comma decimal."""
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        if pd.isna(value):
            return ""
        text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
        return text.replace(",", "\u202f").replace(".", ",")
    return escape_text(value)


def _area_data(
    frame: gpd.GeoDataFrame, fields: Mapping[str, str], fmt: Callable[[object], str]
) -> dict:
    """Return a FeatureCollection of ``frame`` with ids and only the tooltip fields.

    ``fmt`` must return HTML-safe text (``format_value`` and ``escape_text`` do).
    """
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    props = pd.DataFrame(
        {f"f{i}": frame[col].map(fmt) for i, col in enumerate(fields.values())}, index=frame.index
    )
    geoms = shapely.to_geojson(_rounded(frame.geometry))
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": str(fid), "geometry": json.loads(g),
         "properties": {k: v for k, v in p.items() if v}}
        for fid, g, p in zip(frame.index, geoms, props.to_dict("records"), strict=True)]}


def _area_layer(
    frame: gpd.GeoDataFrame, name: str, fields: Mapping[str, str], style: Callable, show: bool,
    fmt: Callable[[object], str] = format_value, **kwargs: object,
) -> folium.GeoJson:
    """Return a GeoJson of ``frame`` styled by ``style`` with an escaped field tooltip."""
    labels = json.dumps([escape_text(label) for label in fields])
    return folium.GeoJson(
        _area_data(frame, fields, fmt), name=escape_text(name), show=show, style_function=style,
        on_each_feature=JsCode(_AREA_TOOLTIP % labels), **kwargs,
    )


def bin_index(values: pd.Series, bins: Sequence[float]) -> pd.Series:
    """Return the bin of each value: ``i`` when ``bins[i] < v <= bins[i+1]`` (first bin closed).

    A value is in the class above an edge exactly when it is *beyond* that edge
    (:func:`geo.gaps.is_beyond`): with bins ``[0, 20, inf]`` a unit at 20.0 km is in bin 0,
    one at 20.0005 km in bin 1, as the "beyond" figures count them. Missing values and values
    outside ``[bins[0], bins[-1]]`` give -1.
    """
    edges = np.asarray(bins, dtype=float)
    v = values.astype(float).to_numpy()
    idx = np.zeros(len(v), dtype=int)
    for edge in edges[1:-1]:
        idx += is_beyond(v, edge)
    idx[np.isnan(v) | (v < edges[0]) | (v > edges[-1])] = -1
    return pd.Series(idx, index=values.index)


def _style(fill: str, stroke: str, opacity: float, dash: str | None = None) -> dict:
    """Return a Leaflet path style."""
    style = {"fillColor": fill, "color": stroke, "weight": 0.5, "fillOpacity": opacity}
    return style | ({"dashArray": dash, "weight": 1.2} if dash else {})


def choropleth_layer(
    polygons: gpd.GeoDataFrame,
    values: pd.Series,
    bins: Sequence[float],
    colours: Sequence[str],
    name: str,
    tooltip_fields: Mapping[str, str] | None = None,
    classes: pd.Series | None = None,
    special_classes: Mapping[str, SpecialClass] = SPECIAL_CLASSES,
    show: bool = True,
) -> folium.GeoJson:
    """Return a GeoJson of ``polygons`` (``unit``, geometry, EPSG:4326) coloured by bin.

    ``values`` is indexed by unit; ``bins`` has ``len(colours) + 1`` increasing edges (see
    :func:`bin_index`). ``classes`` (indexed by unit, missing = none) overrides the bin colour
    with a key of ``special_classes``. ``tooltip_fields`` maps a French label to a column of
    ``polygons`` or to ``"value"`` / ``"class"`` (the class label); every text is escaped.
    Units without a value or class get the ``NO_DATA`` style.
    """
    if len(bins) != len(colours) + 1 or list(bins) != sorted(bins):
        raise ValueError(f"need {len(colours) + 1} increasing bin edges, got {list(bins)}")
    bad = [c for c in colours if not _COLOUR.match(c)]
    if bad:
        raise ValueError(f"colours must be '#rrggbb', got {bad}")
    if not polygons["unit"].is_unique:
        raise ValueError("polygons must have one row per unit")
    frame = polygons.set_index("unit", drop=False)
    cls = (classes if classes is not None else pd.Series(dtype=object)).reindex(frame.index)
    unknown = sorted(set(cls.dropna()) - set(special_classes))
    if unknown:
        raise ValueError(f"unknown classes {unknown}; expected {sorted(special_classes)}")
    frame = frame.assign(value=values.reindex(frame.index),
                         **{"class": cls.map(lambda c: special_classes[c].label
                                             if pd.notna(c) else None)})
    styles = [_style(c, "#ffffff", 0.75) for c in colours]
    by_unit = {
        str(u): (_style(special_classes[c].fill, special_classes[c].stroke,
                        special_classes[c].fill_opacity, special_classes[c].dash) if pd.notna(c)
                 else styles[b] if b >= 0 else _style(NO_DATA.fill, NO_DATA.stroke, 0.3))
        for u, c, b in zip(frame.index, cls, bin_index(frame["value"], bins), strict=True)}
    return _area_layer(frame, name, dict(tooltip_fields or {}),
                       lambda f: by_unit[f["id"]], show,
                       highlight_function=lambda f: {"weight": 2, "color": "#252525"})


def outline_layer(
    gdf: gpd.GeoDataFrame, name: str, colour: str = "#252525", weight: float = 1.5,
    show: bool = True, label_column: str | None = "nom",
) -> folium.GeoJson:
    """Return unfilled outlines (arrondissements, EPCI) with the escaped name as tooltip."""
    if not _COLOUR.match(colour):
        raise ValueError(f"colour must be '#rrggbb', got {colour!r}")
    style = {"color": colour, "weight": float(weight), "fill": False, "opacity": 0.9}
    frame = gdf.reset_index(drop=True)
    fields = {"": label_column} if label_column else {}
    return _area_layer(frame, name, fields, lambda f: style, show, fmt=escape_text)


#: The catchment of the services without a place, drawn over the distance classes.
SECTOR_NAME = "Secteur d'un service sans lieu précis"
SECTOR_COLOUR = "#08519c"
HATCH_ID = "cvif-hatch"
#: Legend mark of the sector layer (SVG path, viewBox 0 0 20 20): diagonal hatches.
HATCH_PATH = ("M0 5L5 0H8L0 8Z M0 12L12 0H15L0 15Z M0 19L19 0H20V2L2 20H0Z "
              "M7 20L20 7V10L10 20Z M14 20L20 14V17L17 20Z")


class _HatchPattern(branca.element.MacroElement):
    """An SVG hatch pattern in the page, which Leaflet paths fill with ``url(#cvif-hatch)``.

    Leaflet's SVG renderer writes ``fillColor`` into the path's ``fill`` attribute, so a
    pattern defined once in the document hatches a layer without any plugin (no CDN).
    """

    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
        '<pattern id="{{ this.pattern_id }}" width="9" height="9" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="2.5" height="9" fill="{{ this.colour }}"'
        ' fill-opacity="0.55"/></pattern></defs></svg>'
        "{% endmacro %}"
    )

    def __init__(self, pattern_id: str, colour: str) -> None:
        super().__init__()
        self._name = "HatchPattern"
        self.pattern_id, self.colour = pattern_id, colour


def sector_layer(
    polygons: gpd.GeoDataFrame, name: str = SECTOR_NAME, show: bool = True
) -> folium.FeatureGroup:
    """Return the hatched, dashed outline of the union of ``polygons`` (EPSG:4326).

    Drawn over a choropleth, it leaves the colours underneath visible between the hatches;
    it takes no mouse events (``interactive: false``), so the units' tooltips and clicks go
    through. The units are merged first: one outline, not hundreds of polygons.
    """
    group = folium.FeatureGroup(name=escape_text(name), show=show)
    if polygons.empty:
        return group
    _HatchPattern(HATCH_ID, SECTOR_COLOUR).add_to(group)
    geometry = polygons.geometry.to_numpy()
    try:
        union = shapely.coverage_union_all(geometry)
    except shapely.errors.GEOSException:  # not an exact coverage: the slower general union
        union = shapely.union_all(geometry)
    frame = gpd.GeoDataFrame({"nom": [""]}, geometry=[union], crs=polygons.crs)
    style = {"color": SECTOR_COLOUR, "weight": 2, "dashArray": "6 4", "opacity": 0.9,
             "fillColor": f"url(#{HATCH_ID})", "fillOpacity": 1}
    _area_layer(frame, name, {}, lambda f: style, True, control=False,
                interactive=False).add_to(group)
    return group


# Legends -----------------------------------------------------------------------------------


def _number(value: float) -> str:
    """Format a bin edge briefly (``"12"``, ``"0,5"``)."""
    return format_value(float(value))


def bins_legend(
    bins: Sequence[float], colours: Sequence[str], unit: str = "",
    special_classes: Mapping[str, SpecialClass] | None = SPECIAL_CLASSES,
) -> list[tuple[str, str]]:
    """Return ``(label, colour)`` pairs for a choropleth legend drawn by the page with ``st.*``.

    >>> bins_legend([0, 1, 5], ["#eeeeee", "#333333"], special_classes=None)
    [('0 à 1', '#eeeeee'), ('1 à 5', '#333333')]
    """
    suffix = f" {unit}" if unit else ""
    items = [(f"{_number(lo)} à {_number(hi)}{suffix}", colour)
             for lo, hi, colour in zip(bins[:-1], bins[1:], colours, strict=True)]
    if items and np.isinf(bins[-1]):
        items[-1] = (f"plus de {_number(bins[-2])}{suffix}", colours[-1])
    return items + [(c.label, c.fill) for c in (special_classes or {}).values()]


def categories_legend(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """Return ``(label, colour)`` for the given category codes (all but secret ones by default).

    >>> categories_legend(["iscg"])
    [('ISCG (intervenant social)', '#9467bd')]
    """
    chosen = list(codes) if codes is not None else list(CATEGORIES)
    return [(CATEGORIES[c].label, CATEGORIES[c].colour) for c in chosen
            if c not in SECRET_CATEGORIES]


def categories_symbols(codes: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """Return ``(label, colour, SVG path)`` of the map symbol of each category (not secret ones).

    >>> categories_symbols(["iscg"])[0][:2]
    ('ISCG (intervenant social)', '#9467bd')
    """
    return [(label, colour, SHAPES[CATEGORY_SHAPES.get(code, "circle")])
            for code, (label, colour) in zip(
                [c for c in (codes if codes is not None else CATEGORIES)
                 if c not in SECRET_CATEGORIES],
                categories_legend(codes), strict=True)]

