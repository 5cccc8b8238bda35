"""The printable territory sheet: a static map (matplotlib, Agg) and an A4 PDF (reportlab).

No Streamlit here, no network: the page, the batch script (``scripts/make_sheets.py``) and
the tests call the same functions. Texts use the PDF core font Helvetica (WinAnsi), so every
string goes through :func:`pdf_text`, which replaces the few characters it lacks (narrow
no-break space, "≥"…).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no Tk
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.enums import TA_RIGHT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from components.formatting import number  # noqa: E402
from components.mapviews import DISTANCE_BINS, DISTANCE_COLOURS  # noqa: E402
from geo import national  # noqa: E402
from geo.gaps import is_beyond  # noqa: E402
from geo.indicators import shelter_label  # noqa: E402
from geo.national import DATASET_SHORT  # noqa: E402
from geo.schema import CATEGORIES, NATIONAL_LINES  # noqa: E402

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")
_REPLACE = {"\u202f": " ", "\u2009": " ", "\u2265": ">=", "\u2264": "<=", "\u2192": "->"}


def pdf_text(value: object) -> str:
    """Return ``value`` as text the core PDF font can draw, XML-escaped for a Paragraph.

    >>> pdf_text("1\\u202f234 <b>"), pdf_text(None)
    ('1 234 &lt;b&gt;', '')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    for old, new in _REPLACE.items():
        text = text.replace(old, new)
    return escape(text.encode("cp1252", errors="replace").decode("cp1252"))


def french_date(day: dt.date) -> str:
    """Return ``"1er décembre 2026"``.

    >>> french_date(dt.date(2026, 12, 1)), french_date(dt.date(2026, 3, 15))
    ('1er décembre 2026', '15 mars 2026')
    """
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


# --------------------------------------------------------------------------- indicators


def _value(value: float, decimals: int) -> str:
    return "–" if pd.isna(value) else number(value, int(decimals))


def _with_share(value: float, share: float, decimals: int) -> str:
    text = _value(value, decimals)
    return text if pd.isna(share) else f"{text} ({number(100 * share, 1)} %)"


def vintage(source: str) -> str:
    """Return the short vintage of an indicator's source ("INSEE 2023", "plan 2024-2026").

    >>> vintage("Population municipale 2023 (INSEE), …"), vintage("plans : a.txt (2018-2022)")
    ('INSEE 2023', 'plan 2018-2022')
    >>> vintage("plans : a.txt (2018-2022) ; annuaire 2016 ; FINESS 2020")
    'plan 2018-2022 ; annuaire 2016 ; FINESS 2020'
    """
    periods = re.findall(r"\((\d{4}(?:-\d{4})?)\)", source)
    if source.startswith("COG"):
        return "COG 2026"
    if source.startswith(("Population", "Distance")):
        return "INSEE 2023" + (" ; plan" if source.startswith("Distance") else "")
    periods = list(dict.fromkeys(periods))
    layers = [short for short in DATASET_SHORT.values() if short in source]
    if len(periods) > 1:
        plans = "plans (voir sources)"
    else:
        plans = f"plan {periods[0]}" if periods else ""
    return " ; ".join(x for x in (plans, *layers) if x)


def profile_text(profile: pd.DataFrame) -> pd.DataFrame:
    """Return the profile as a French display table: Indicateur, Territoire, Département, Réf.

    >>> p = pd.DataFrame({"indicateur": ["Habitants"], "territoire": [1234.0],
    ...     "departement": [5678.0], "reference": [float("nan")], "unite": ["habitants"],
    ...     "decimales": [0], "part_territoire": [0.5], "part_departement": [float("nan")],
    ...     "source": ["INSEE"], "note": [""]})
    >>> profile_text(p).iloc[0].tolist()
    ['Habitants', '1\\u202f234 (50,0 %)', '5\\u202f678', '', '', '']
    """
    rows = []
    for _, r in profile.iterrows():  # a dozen display rows
        rows.append({
            "Indicateur": r["indicateur"],
            "Territoire": _with_share(r["territoire"], r["part_territoire"], r["decimales"]),
            "Département": _with_share(r["departement"], r["part_departement"], r["decimales"]),
            "Référence": "" if pd.isna(r["reference"]) else number(r["reference"], 0),
            "Millésime": vintage(r["source"]),
            "Note": r["note"],
        })
    return pd.DataFrame(rows, columns=["Indicateur", "Territoire", "Département", "Référence",
                                       "Millésime", "Note"])


# --------------------------------------------------------------------------- static map


def static_map_png(
    polygons: gpd.GeoDataFrame,
    distances: pd.Series,
    outline: gpd.GeoSeries,
    inside: pd.DataFrame,
    near: pd.DataFrame,
    width_mm: float = 90,
    height_mm: float = 80,
) -> bytes:
    """Return a PNG of the territory: units coloured by distance, its outline, service points.

    ``polygons`` (EPSG:4326) has ``unit`` and geometry; ``distances`` (km) is indexed by unit;
    ``inside`` and ``near`` have ``lat``, ``lon``, ``category`` (never a secret place).
    Drawn with matplotlib's Agg backend: no tiles, no network.
    """
    fig, ax = plt.subplots(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
    try:
        values = distances.reindex(polygons["unit"]).to_numpy()
        colours = [_distance_colour(v) for v in values]
        polygons.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.25)
        outline.boundary.plot(ax=ax, color="#252525", linewidth=1.1)
        if not near.empty:
            ax.scatter(near["lon"], near["lat"], s=9, facecolors="white", linewidths=0.8,
                       edgecolors=near["category"].map(lambda c: CATEGORIES[c].colour), zorder=3)
        if not inside.empty:
            ax.scatter(inside["lon"], inside["lat"], s=11, edgecolors="white", linewidths=0.4,
                       c=inside["category"].map(lambda c: CATEGORIES[c].colour), zorder=4)
        _frame(ax, outline, near)
        fig.subplots_adjust(0, 0, 1, 1)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=200)
        return buffer.getvalue()
    finally:
        plt.close(fig)


def _distance_colour(value: float) -> str:
    """Colour of a distance class: as on the app's maps, an edge is in the class below."""
    if pd.isna(value):
        return "#bdbdbd"
    return DISTANCE_COLOURS[sum(bool(is_beyond(value, edge)[0]) for edge in DISTANCE_BINS[1:-1])]


def _frame(ax: plt.Axes, outline: gpd.GeoSeries, near: pd.DataFrame) -> None:
    """Fit the view on the territory (and nearby points), true shape, no axes."""
    west, south, east, north = outline.total_bounds
    if not near.empty:
        west, east = min(west, near["lon"].min()), max(east, near["lon"].max())
        south, north = min(south, near["lat"].min()), max(north, near["lat"].max())
    pad_x, pad_y = (east - west) * 0.04 + 0.005, (north - south) * 0.04 + 0.005
    ax.set_xlim(west - pad_x, east + pad_x)
    ax.set_ylim(south - pad_y, north + pad_y)
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_axis_off()


def legend_png(categories: list[str], width_mm: float = 90, height_mm: float = 14) -> bytes:
    """Return the map legend (distance classes, service categories) as a PNG."""
    labels = ["< 5 km", "5-10", "10-15", "15-20", "20-30", "> 30 km"]
    handles = [Patch(facecolor=c, edgecolor="#999999", label=t)
               for c, t in zip(DISTANCE_COLOURS, labels, strict=True)]
    handles.append(Patch(facecolor="#bdbdbd", edgecolor="#999999",
                         label="sans lieu localisé"))
    handles += [Line2D([], [], marker="o", linestyle="", markersize=4, label=CATEGORIES[c].label,
                       markerfacecolor=CATEGORIES[c].colour, markeredgecolor="white")
                for c in categories]
    handles.append(Line2D([], [], marker="o", linestyle="", markersize=4, label="hors territoire",
                          markerfacecolor="white", markeredgecolor="#555555"))
    fig = plt.figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=200)
    try:
        fig.legend(handles=handles, loc="center", ncol=4, fontsize=5.2, frameon=False,
                   handlelength=1.0, columnspacing=0.8, handletextpad=0.4)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=200)
        return buffer.getvalue()
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- lists

LIST_COLUMNS = ("Type", "Service", "Lieu", "Horaires", "Contact")
SHELTER_NAME = "Hébergement spécialisé pour victimes – lieux confidentiels"


def _join(*parts: object) -> str:
    return ", ".join(str(p) for p in parts if isinstance(p, str) and p.strip())


def catchment_label(catchment: str, names: dict[str, str]) -> str:
    """Return a catchment in words: département, arrondissement, EPCI or commune names.

    >>> catchment_label("dep:62;epci:X;com:1", {"epci:X": "CA Y", "com:1": "Lens"})
    'département 62, CA Y, Lens'
    """
    words = []
    for code in filter(None, catchment.split(";")):
        level, _, value = code.partition(":")
        words.append(f"département {value}" if level == "dep" else names.get(code, code))
    return ", ".join(words)


def _rows(services: pd.DataFrame, place: pd.Series) -> pd.DataFrame:
    """Display rows (``LIST_COLUMNS``) of services, ``place`` giving the Lieu column."""
    status = services["status"].map({"planned": " (en projet)", "ended": " (arrêté)"}).fillna("")
    operator = services["operator"].fillna("")
    same = [o.lower() in n.lower() for o, n in zip(operator, services["name"], strict=True)]
    name = services["name"] + operator.where(~pd.Series(same, index=services.index) &
                                             operator.ne(""), "").map(
        lambda o: f" – {o}" if o else "") + status
    return pd.DataFrame({
        "Type": services["category"].map(lambda c: CATEGORIES[c].label),
        "Service": name,
        "Lieu": place,
        "Horaires": services["schedule"].fillna(""),
        "Contact": [_join(p, w) for p, w in zip(services["phone"], services["website"],
                                                   strict=True)],
    }, columns=list(LIST_COLUMNS))


def service_lists(
    concerned: pd.DataFrame, near: pd.DataFrame, communes: pd.Series, names: dict[str, str]
) -> dict[str, pd.DataFrame]:
    """Split a territory's services into display tables (no secret place, ever).

    ``concerned`` is the output of :func:`geo.coverage.services_of_territory` (public view);
    ``near`` the located services just outside (with ``distance_km``); ``communes`` maps an
    INSEE code to its name; ``names`` a catchment code (``epci:…``) to its name. Returns
    ``territoire`` (held in the territory or serving part of it, hébergement as one aggregated
    row), ``generaux`` (the national layers' records held in the territory: annuaire 2016,
    FINESS 2020), ``departement`` (serving the whole département or more), ``proximite`` (the
    plans' services near it) and ``proximite_generaux`` (the layers' records near it).
    """
    order = {c: i for i, c in enumerate(CATEGORIES)}
    rows = concerned[concerned["presence"] != "distance"]
    rows = rows.assign(_o=rows["category"].map(order)).sort_values(["_o", "name"])
    secret = rows["confidentiality"].eq("secret")
    wide = rows["presence"].eq("zone") & rows["catchment"].str.contains("dep:|national")
    commune = rows["insee"].map(communes).fillna("")
    place = pd.Series(
        [(_join(p, a, c) if k == "lieu" else f"{c} (adresse sur orientation)" if k == "commune"
          else "Secteur : " + catchment_label(z, names))
         for p, a, c, k, z in zip(rows["place"], rows["address"], commune, rows["presence"],
                                  rows["catchment"], strict=True)], index=rows.index)
    layer = national.is_layer_record(rows["id"])
    own = _rows(rows[~secret & ~wide & ~layer], place[~secret & ~wide & ~layer])
    general = _rows(rows[~secret & ~wide & layer], place[~secret & ~wide & layer])
    shelters = rows[secret]
    if not shelters.empty:
        label = shelter_label(shelters)
        own = pd.concat([own, pd.DataFrame([{
            "Type": CATEGORIES["hebergement"].label, "Service": SHELTER_NAME,
            "Lieu": f"{label} (commune non publiée)", "Horaires": "",
            "Contact": "Orientation : 115 (SIAO)"}])], ignore_index=True)
    outside = near[near["category"].isin(CATEGORIES)]
    near_place = pd.Series([f"{_join(p, c)} – hors territoire, à {number(d, 1)} km"
                            for p, c, d in zip(outside["place"],
                                               outside["insee"].map(communes).fillna(""),
                                               outside["distance_km"], strict=True)],
                           index=outside.index, dtype=object)
    near_layer = national.is_layer_record(outside["id"])
    return {"territoire": own.reset_index(drop=True),
            "generaux": general.reset_index(drop=True),
            "departement": _rows(rows[~secret & wide], place[~secret & wide]).reset_index(
                drop=True),
            "proximite": _rows(outside[~near_layer], near_place[~near_layer]).reset_index(
                drop=True),
            "proximite_generaux": _rows(outside[near_layer], near_place[near_layer]).reset_index(
                drop=True)}


# --------------------------------------------------------------------------- PDF


@dataclass(frozen=True)
class Sheet:
    """Everything one territory sheet shows (plain values, built by the caller)."""

    title: str
    subtitle: str
    departement: str
    profile: pd.DataFrame
    services: pd.DataFrame
    figures: pd.DataFrame
    map_png: bytes
    legend_png: bytes
    sources: list[str]
    notes: list[str] = field(default_factory=list)
    edition: dt.date = field(default_factory=dt.date.today)


GREY, DARK = colors.HexColor("#f2f2f2"), colors.HexColor("#1f1f1f")
RULE = colors.HexColor("#999999")
BLUE = colors.HexColor("#000091")  # Marianne blue of the State's visual identity


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=8, leading=10, textColor=DARK)
    return {
        "kicker": ParagraphStyle("kicker", base, fontSize=7.5, textColor=BLUE),
        "title": ParagraphStyle("title", base, fontName="Helvetica-Bold", fontSize=16,
                                leading=19, spaceBefore=2),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=8.5, leading=11),
        "date": ParagraphStyle("date", base, fontSize=7.5, alignment=TA_RIGHT),
        "h2": ParagraphStyle("h2", base, fontName="Helvetica-Bold", fontSize=9.5, leading=12,
                             textColor=BLUE, spaceBefore=6, spaceAfter=3),
        "cell": ParagraphStyle("cell", base, fontSize=7, leading=8.4),
        "cellb": ParagraphStyle("cellb", base, fontName="Helvetica-Bold", fontSize=7,
                                leading=8.4),
        "num": ParagraphStyle("num", base, fontSize=7, leading=8.4, alignment=TA_RIGHT),
        "small": ParagraphStyle("small", base, fontSize=6.3, leading=7.6,
                                textColor=colors.HexColor("#404040")),
    }


def _table(rows: list[list[object]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
    ]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), GREY), ("LINEBELOW", (0, 0), (-1, 0), 0.6,
                                                              DARK)]
    table.setStyle(TableStyle(commands))
    return table


def _indicator_table(sheet: Sheet, s: dict[str, ParagraphStyle], width: float) -> Table:
    shown = profile_text(sheet.profile)
    head = [Paragraph("Indicateur", s["cellb"]), Paragraph("Territoire", s["cellb"]),
            Paragraph(pdf_text(sheet.departement), s["cellb"]), Paragraph("Réf.", s["cellb"]),
            Paragraph("Millésime", s["cellb"])]
    body = [[Paragraph(pdf_text(r["Indicateur"]) + (f"<br/><font size=5.8 color='#555555'>"
                                                     f"{pdf_text(r['Note'])}</font>"
                                                     if r["Note"] else ""), s["cell"]),
             Paragraph(f"<b>{pdf_text(r['Territoire'])}</b>", s["num"]),
             Paragraph(pdf_text(r["Département"]), s["num"]),
             Paragraph(pdf_text(r["Référence"]), s["num"]),
             Paragraph(pdf_text(r["Millésime"]), s["small"])] for _, r in shown.iterrows()]
    return _table([head, *body], [width * f for f in (0.39, 0.19, 0.19, 0.07, 0.16)])


def _services_table(services: pd.DataFrame, s: dict[str, ParagraphStyle], width: float) -> Table:
    columns = list(services.columns)
    fractions = {"Type": 0.11, "Service": 0.28, "Lieu": 0.23, "Horaires": 0.22,
                 "Contact": 0.16, "Indicateur": 0.52, "Valeur": 0.18, "Année": 0.1,
                 "Source": 0.2}
    head = [Paragraph(pdf_text(c), s["cellb"]) for c in columns]
    body = [[Paragraph(pdf_text(v), s["cell"]) for v in row]
            for row in services.itertuples(index=False)]
    widths = [width * fractions.get(c, 0.1) for c in columns]
    return _table([head, *body], widths)


def build_pdf(sheet: Sheet) -> bytes:
    """Return the A4 PDF of a territory sheet (one page for a small EPCI, more if needed)."""
    buffer = io.BytesIO()
    margin = 13 * mm
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=11 * mm,
        bottomMargin=12 * mm, title=f"Fiche territoriale – {sheet.title}",
        author="Carto-VIF", subject="Ressources de lutte contre les violences faites aux femmes",
    )
    s, width = _styles(), A4[0] - 2 * margin
    head = Table([[Paragraph("FICHE TERRITORIALE · VIOLENCES FAITES AUX FEMMES", s["kicker"]),
                   Paragraph(f"Édition du {french_date(sheet.edition)}", s["date"])]],
                 colWidths=[width * 0.7, width * 0.3])
    head.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 1.2, BLUE),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    map_w = width * 0.44
    picture = [Image(io.BytesIO(sheet.map_png), width=map_w, height=map_w * 80 / 90),
               Image(io.BytesIO(sheet.legend_png), width=map_w, height=map_w * 14 / 90)]
    top = Table([[picture, _indicator_table(sheet, s, width * 0.54)]],
                colWidths=[width * 0.455, width * 0.545])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story = [head, Spacer(1, 3 * mm), Paragraph(pdf_text(sheet.title), s["title"]),
             Paragraph(pdf_text(sheet.subtitle), s["subtitle"]), Spacer(1, 3 * mm), top]
    story += [Paragraph(pdf_text(n), s["small"]) for n in sheet.notes]
    story.append(Paragraph("Services du territoire et à proximité", s["h2"]))
    if sheet.services.empty:
        story.append(Paragraph("Aucun service recensé dans les plans départementaux.", s["cell"]))
    else:
        story.append(_services_table(sheet.services, s, width))
    if not sheet.figures.empty:
        story.append(Paragraph("Chiffres des plans concernant le territoire", s["h2"]))
        story.append(_services_table(sheet.figures, s, width))
    story.append(Paragraph("Sources et millésimes", s["h2"]))
    story += [Paragraph(pdf_text(t), s["small"]) for t in sheet.sources]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()


def _footer(canvas: object, doc: object) -> None:
    canvas.saveState()
    canvas.setFont("Helvetica", 6.5)
    canvas.setFillColor(colors.HexColor("#595959"))
    footer = ("Carto-VIF – données publiques (Licence Ouverte 2.0) et plans départementaux. "
              "L'absence de service recensé n'est pas l'absence de service.")
    canvas.drawString(doc.leftMargin, 7 * mm, footer)
    canvas.drawRightString(A4[0] - doc.rightMargin, 7 * mm, f"page {doc.page}")
    canvas.restoreState()


SOURCES = (
    "Distances à vol d'oiseau depuis le point de population de chaque commune (mairie, ou point "
    "intérieur) jusqu'à la permanence la plus proche, y compris hors du territoire ; services "
    "en projet ou arrêtés exclus. Un service concerne le territoire s'il y est tenu ou si son "
    "secteur le recoupe ; heures et places ne lui sont attribuées que si le service ne dessert "
    "que lui. Référence : une place familiale spécialisée pour 10 000 habitants (Conseil de "
    "l'Europe). Lieux d'hébergement confidentiels : totaux seulement (moins de 3 : non publiés).",
    "Sources : INSEE – populations légales 2023 (en vigueur au 1er janvier 2026), Code officiel "
    "géographique 2026, grille communale de densité 2024 ; DGCL – EPCI au 1er janvier 2025 ; "
    "IGN – ADMIN EXPRESS (éd. 2025) ; Etalab – Contours administratifs ; La Poste – codes "
    "postaux ; DILA – Annuaire de l'administration (mairies 2025 ; services locaux, février "
    "2016, géocodage BAN sous ODbL) ; FINESS (hôpitaux publics, mars 2020, via Eurostat GISCO) "
    "; ANCT – France services (août 2024). Licence Ouverte 2.0.",
)


def figure_rows(figures: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Indicateur": figures["what"],
        "Valeur": [f"{number(v, 0 if float(v).is_integer() else 1)} {u}" if pd.notna(v) else u
                   for v, u in zip(figures["value"], figures["unit"], strict=True)],
        "Année": figures["year"],
        "Source": figures["source_document"] + ", l. " + figures["source_line"],
    })


#: Services just outside the territory listed on the sheet (the nearest ones).
NEAR_ON_SHEET = 8


def make_sheet(
    info: dict, dep: str, dep_names: dict[str, str], profile: pd.DataFrame,
    lists: dict[str, pd.DataFrame], figures: pd.DataFrame, map_png: bytes,
    categories: list[str], edition: dt.date | None = None,
) -> Sheet:
    """Assemble a :class:`Sheet` from the cached pieces of ``components.data``."""
    deps = ", ".join(f"{dep_names.get(d, d)} ({d})" for d in info["deps"])
    code = f"SIREN {info['code']}" if info["level"] == "epci" else f"code {info['code']}"
    population = profile.loc["population", "territoire"]
    communes = profile.loc["communes", "territoire"]
    near = lists["proximite"]
    services = pd.concat([lists["territoire"], near.head(NEAR_ON_SHEET)], ignore_index=True)
    documents = profile.loc["iscg_posts", "source"]
    notes = [
        f"Comparaison avec le département : {dep_names.get(dep, dep)} ({dep}). Services "
        "comptés : ceux tenus dans le territoire ou dont le secteur le recoupe (services "
        "départementaux compris).",
    ]
    general = lists.get("generaux", pd.DataFrame(columns=["Type"]))
    if not general.empty:
        counts = general["Type"].value_counts()
        notes.append("Lieux généraux dans le territoire (annuaire service-public.fr 2016, "
                     "FINESS 2020, jamais vérifiés sur le terrain) : " + ", ".join(
                         f"{label} {number(n)}" for label, n in counts.items())
                     + " (liste dans l'application, page Mon territoire).")
    if not lists["departement"].empty:
        notes.append(f"{len(lists['departement'])} service(s) couvrent tout le département sans "
                     "lieu dans le territoire (liste complète dans l'application, page Annuaire).")
    if len(near) > NEAR_ON_SHEET:
        notes.append(f"{len(near) - NEAR_ON_SHEET} autre(s) service(s) à moins de 10 km hors du "
                     "territoire : liste complète dans l'application (page Mon territoire).")
    notes.append("Numéros nationaux gratuits : " + " ; ".join(
        f"{short} {label}" for short, label, _, _ in NATIONAL_LINES[:3]) + ".")
    return Sheet(
        title=info["nom"],
        subtitle=f"{info['nature']} · {code} · {deps} · {number(communes)} communes · "
                 f"{number(population)} habitants (2023)",
        departement=dep_names.get(dep, dep), profile=profile, services=services,
        figures=figure_rows(figures), map_png=map_png, legend_png=legend_png(categories),
        sources=[f"Services et chiffres : {documents} (extraits des plans, non vérifiés sur "
                 "le terrain).", *SOURCES],
        notes=notes, edition=edition or dt.date.today(),
    )
