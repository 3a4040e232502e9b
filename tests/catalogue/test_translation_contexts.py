"""Words with two meanings carry a context, so translators can give each its own word: "State"
is a Brazilian federative unit on the map and a status on the managers' pages."""

import re
from pathlib import Path

from django.conf import settings
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
SOURCES = [ROOT / name for name in ("catalogue", "initiatives", "hub", "collaboration", "rotas_import", "templates")]
CONTEXTS = {"federative unit", "status"}
# What makemessages sees: Python as written, templates as templatize() renders them.
# (templatize writes u'…' literals.)
BARE = re.compile(r"""(?<![pn])(?:\b_|gettext|gettext_lazy|gettext_noop)\(\s*u?['"]State['"]\s*\)""")
WITH_CONTEXT = re.compile(r"""pgettext(?:_lazy)?\(\s*u?['"]([^'"]+)['"]\s*,\s*u?['"]State['"]\s*\)""")


def extracted_sources():
    for folder in SOURCES:
        for path in folder.rglob("*"):
            if path.suffix == ".py":
                yield path, path.read_text(encoding="utf-8")
            elif path.suffix in {".html", ".txt"}:
                yield path, templatize(path.read_text(encoding="utf-8"), origin=str(path))


def test_it_never_asks_to_translate_state_without_saying_which_state():
    bare = [str(path.relative_to(ROOT)) for path, text in extracted_sources() if BARE.search(text)]
    assert bare == []


def test_it_marks_brazils_states_and_statuses_with_their_own_contexts():
    used = {}
    for path, text in extracted_sources():
        for context in WITH_CONTEXT.findall(text):
            used.setdefault(context, set()).add(str(path.relative_to(ROOT)))
    assert set(used) == CONTEXTS
    assert "templates/initiatives/map.html" in used["federative unit"]
    assert "templates/collaboration/my_opportunities.html" in used["status"]
