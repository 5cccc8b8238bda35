"""Command line of the database: accounts, import, export, backup and restore.

Examples (from the project root; ``DATABASE_URL`` chooses the database, default SQLite
``var/carto-vif.sqlite3``)::

    python -m store add-user --role gestionnaire marie.dupont   # password asked twice
    CARTO_VIF_PASSWORD=... python -m store add-user --role professionnel cidff62
    python -m store users
    python -m store import fichier.xlsx --user marie.dupont     # preview, then save
    python -m store export --format xlsx -o annuaire.xlsx
    python -m store backup var/sauvegarde.sqlite3
    python -m store backup --dir var/backups --keep 14           # for cron / systemd
    python -m store restore var/sauvegarde.sqlite3
    python -m store sync-layers                                  # after geo build-national
    python -m store sync-layers --apply --user marie.dupont

Every text printed that comes from a file or the database goes through :func:`safe`:
control characters (ANSI escapes, carriage returns, bidi overrides) are printed as visible
``\\x1b``-style escapes, never sent raw to the terminal.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import unicodedata
from pathlib import Path

PASSWORD_ENV = "CARTO_VIF_PASSWORD"


def safe(text: object, keep_newlines: bool = False) -> str:
    r"""``text`` with every control or bidi-format character shown as an escape.

    >>> safe("Foyer\x1b[2J\u202e\nsuite")
    'Foyer\\x1b[2J\\u202e\\x0asuite'
    >>> safe("a\nb", keep_newlines=True)
    'a\nb'
    """
    out = []
    for char in str(text):
        if char == "\n" and keep_newlines:
            out.append(char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char != "\u00ad":
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def _say(text: object, error: bool = False) -> None:
    print(safe(text, keep_newlines=True), file=sys.stderr if error else sys.stdout)


def _password() -> str:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Mot de passe : ")
    if first != getpass.getpass("Mot de passe (encore) : "):
        raise ValueError("Les deux mots de passe diffèrent")
    return first


def _add_user(engine, args) -> int:  # noqa: ANN001
    from store import users

    users.add_user(engine, args.name, args.role, _password())
    _say(f"Compte « {safe(args.name)} » ({args.role}) enregistré.")
    return 0


def _import(engine, args) -> int:  # noqa: ANN001
    from store import imports

    result = imports.preview(engine, args.file.name, args.file.read_bytes())
    table = result.table().map(safe) if result.rows else None
    _say(table.to_string(index=False) if table is not None else "")
    for line in [*result.notes, *result.all_errors]:
        _say(safe(line))
    _say(", ".join(f"{safe(k)} : {v}" for k, v in result.counts().items()))
    if result.all_errors:
        _say("Import refusé : rien n'a été enregistré.")
        return 1
    if args.check or not result.ok:
        return 0
    imports.apply(engine, result, args.user)
    _say("Enregistré.")
    return 0


def _export(engine, args) -> int:  # noqa: ANN001
    from components.exports import to_csv_bytes, to_xlsx_bytes
    from store import exports, services

    table = services.read_services(engine)
    content = {"csv": to_csv_bytes, "xlsx": to_xlsx_bytes,
               "json": exports.to_json_bytes}[args.format](table)
    args.output.write_bytes(content)
    _say(f"{len(table)} services écrits dans {safe(args.output)}")
    return 0


def _backup(engine, args) -> int:  # noqa: ANN001
    from store import backup

    if (args.target is None) == (args.dir is None):
        raise ValueError("Donnez un fichier de sauvegarde ou --dir DOSSIER (pas les deux)")
    if args.dir is None:
        _say(f"Sauvegarde écrite : {safe(backup.backup(engine, args.target))}")
        return 0
    written, removed = backup.scheduled(engine, args.dir, args.keep)
    _say(f"Sauvegarde écrite : {safe(written)} ({len(removed)} ancienne(s) supprimée(s), "
         f"{args.keep} gardée(s) au plus)")
    return 0


def _restore(engine, args) -> int:  # noqa: ANN001
    from store import backup

    counts = backup.restore(engine, args.source)
    _say(f"Restauré : {counts['services']} services, {counts['history']} lignes d'historique")
    return 0


def _sync_layers(engine, args) -> int:  # noqa: ANN001
    from store import layers

    preview = layers.preview_rebuild(engine)
    _say(", ".join(f"{k} : {v}" for k, v in preview.counts().items()))
    for outcome in ("nouveau", "modifié", "disparu", "conservé"):
        ids = preview.ids(outcome)
        for rid in ids[:20]:
            why = preview.reasons.get(rid, "")
            _say(f"  {outcome} : {safe(rid)}{' (' + why + ')' if why else ''}")
        if len(ids) > 20:
            _say(f"  … et {len(ids) - 20} autres « {outcome} »")
    if not args.apply:
        _say("Aperçu seulement : rien n'a été enregistré (--apply pour enregistrer).")
        return 0
    layers.apply_rebuild(engine, preview, f"{layers.REBUILD_USER} ({args.user})")
    _say("Enregistré.")
    return 0


def _users(engine, _args) -> int:  # noqa: ANN001
    from store import users

    for name, role in users.list_users(engine):
        _say(f"{safe(name)}\t{safe(role)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m store", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add-user", help="crée un compte (mot de passe demandé, ou "
                         f"variable {PASSWORD_ENV})")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=("professionnel", "gestionnaire"))
    sub.add_parser("users", help="liste les comptes")
    imp = sub.add_parser("import", help="importe un CSV/XLSX/JSON (aperçu puis enregistrement)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--user", default="ligne de commande")
    imp.add_argument("--check", action="store_true", help="aperçu seulement")
    exp = sub.add_parser("export", help="exporte tout l'annuaire")
    exp.add_argument("--format", choices=("csv", "xlsx", "json"), default="csv")
    exp.add_argument("-o", "--output", type=Path, required=True)
    bak = sub.add_parser("backup", help="sauvegarde la base (un fichier, ou --dir et --keep)")
    bak.add_argument("target", type=Path, nargs="?")
    bak.add_argument("--dir", type=Path, help="dossier des sauvegardes horodatées")
    bak.add_argument("--keep", type=int, default=14, help="nombre de sauvegardes gardées")
    res = sub.add_parser("restore", help="restaure une sauvegarde (remplace tout)")
    res.add_argument("source", type=Path)
    syn = sub.add_parser("sync-layers", help="aperçu (puis --apply) d'une reconstruction des "
                         "couches nationales : nouveaux, modifiés, disparus, conservés")
    syn.add_argument("--apply", action="store_true", help="enregistrer l'aperçu")
    syn.add_argument("--user", default="ligne de commande")
    args = parser.parse_args(argv)

    from geo.schema import SERVICES_FILE
    from store import StoreError, make_engine
    from store.db import DatabaseUnavailable

    try:  # restore may rebuild a lost database: it replaces every listing anyway
        engine = make_engine(seed=None if args.command == "restore" else SERVICES_FILE,
                             recovering=args.command == "restore")
    except DatabaseUnavailable as err:
        _say(f"Erreur : {err}", error=True)
        return 2
    handlers = {"add-user": _add_user, "users": _users, "import": _import, "export": _export,
                "backup": _backup, "restore": _restore, "sync-layers": _sync_layers}
    try:
        return handlers[args.command](engine, args)
    except (ValueError, StoreError, DatabaseUnavailable) as err:
        _say(f"Erreur : {safe(err)}", error=True)
        return 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
