"""Quick exit ("Quitter rapidement"): a button and the Escape key leave for a neutral site.

The button is injected once into the top document (not the component's iframe, whose
sandbox forbids navigating the top window) and uses ``location.replace``. As GOV.UK's
"Exit this page" does, it is the first tab stop of every page; the Escape key is heard in
the capture phase (a table cannot swallow it; inside a map's sandboxed frame it is not
heard yet).
Moving between the app's pages replaces the history entry instead of adding one, so after
the exit, Back leads to what was open before the app, never to one of its pages. The same
script keeps the document's language French (``lang="fr"``). The app never writes a
search into its URLs.
"""

from __future__ import annotations

import json
import os

import streamlit as st

#: Where the quick exit goes; set ``CARTO_VIF_EXIT_URL`` to change it.
EXIT_URL = os.environ.get("CARTO_VIF_EXIT_URL", "https://www.google.fr/")

_SCRIPT = """
<script>
(function () {
  const top = window.parent;
  const doc = top.document;
  if (doc.getElementById("quitter-rapidement")) { return; }
  const s = doc.createElement("script");
  s.text = `(function () {
    const leave = () => { try { sessionStorage.clear(); } catch (e) {}
                          window.location.replace(%(url)s); };
    const onKey = (e) => { if (e.key === "Escape") { leave(); } };
    // The page is French: Streamlit writes lang="en", set it back whenever it changes.
    const html = document.documentElement;
    const keepFrench = () => { if (html.lang !== "fr") { html.lang = "fr"; } };
    keepFrench();
    new MutationObserver(keepFrench).observe(html, {attributes: true,
                                                    attributeFilter: ["lang"]});
    // Moving between the app's pages replaces the history entry instead of adding one,
    // so that after the exit, Back never shows the app.
    const replace = history.replaceState.bind(history);
    history.pushState = (state, title, url) => replace(state, title, url);
    const b = document.createElement("button");
    b.id = "quitter-rapidement";
    b.type = "button";
    b.textContent = "Quitter rapidement (Échap)";
    b.title = "Quitte immédiatement ce site pour un site neutre";
    b.style.cssText = "position:fixed;top:0.6rem;right:5rem;z-index:1000000;" +
      "background:#b00020;color:#fff;border:0;border-radius:6px;padding:0.45rem 0.9rem;" +
      "font-weight:600;cursor:pointer;box-shadow:0 1px 4px rgba(0,0,0,.3)";
    b.addEventListener("click", leave);
    document.body.prepend(b);  // the first tab stop of every page
    // Capture phase: Escape leaves even when a table or a widget stops the event.
    window.addEventListener("keydown", onKey, true);
  })();`;
  doc.head.appendChild(s);
})();
</script>
"""


def quick_exit() -> None:
    """Add the quick-exit button and Escape shortcut to the page (once per browser tab)."""
    with st.container(key="quitter-rapidement", height=1, border=False):
        st.iframe(_SCRIPT % {"url": json.dumps(EXIT_URL)}, height=1)
