"""Quick exit ("Quitter rapidement"): a button and the Escape key leave for a neutral site.

The button is injected once into the top document (not the component's iframe, whose
sandbox forbids navigating the top window) and uses ``location.replace`` so that the
app's page is not kept as the previous entry of the history. The app never writes a
search into its URLs, so the history holds nothing but page names.
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
    const b = document.createElement("button");
    b.id = "quitter-rapidement";
    b.type = "button";
    b.textContent = "Quitter rapidement (Échap)";
    b.title = "Quitte immédiatement ce site pour un site neutre";
    b.style.cssText = "position:fixed;top:0.6rem;right:5rem;z-index:1000000;" +
      "background:#b00020;color:#fff;border:0;border-radius:6px;padding:0.45rem 0.9rem;" +
      "font-weight:600;cursor:pointer;box-shadow:0 1px 4px rgba(0,0,0,.3)";
    b.addEventListener("click", leave);
    document.body.appendChild(b);
    document.addEventListener("keydown", (e) => { if (e.key === "Escape") { leave(); } });
  })();`;
  doc.head.appendChild(s);
})();
</script>
"""


def quick_exit() -> None:
    """Add the quick-exit button and Escape shortcut to the page (once per browser tab)."""
    with st.container(key="quitter-rapidement", height=1, border=False):
        st.iframe(_SCRIPT % {"url": json.dumps(EXIT_URL)}, height=1)
