"""The record's language code comes from py3langid; too little text gives None, not a guess.

detect_language swallows py3langid's exceptions, so without this test a py3langid that no
longer classifies (an API change, a missing model file) would only show as `language: null`
in every record; scripts/check-min-versions.sh runs it at the declared floor.
"""

from __future__ import annotations

import pytest

from summarizer.assemble import detect_language

# Written for this test: ordinary news prose, one paragraph per language.
PARAGRAPHS = {
    "en": "The city council approved the new budget on Tuesday after a long debate about "
    "school funding, road repairs and the cost of running the public libraries.",
    "de": "Der Stadtrat hat am Dienstag nach einer langen Debatte über die Finanzierung der "
    "Schulen, die Reparatur der Straßen und die Kosten der Bibliotheken den Haushalt beschlossen.",
    "fr": "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur le "
    "financement des écoles, la réfection des routes et le coût des bibliothèques publiques.",
    "es": "El ayuntamiento aprobó el martes el nuevo presupuesto tras un largo debate sobre la "
    "financiación de las escuelas, el arreglo de las carreteras y el coste de las bibliotecas.",
}


@pytest.mark.parametrize("code", sorted(PARAGRAPHS))
def test_each_paragraph_is_recognised(code: str) -> None:
    assert detect_language(PARAGRAPHS[code]) == code


@pytest.mark.parametrize("text", ["", "   \n ", "Short note."])
def test_too_little_text_gives_none(text: str) -> None:
    assert detect_language(text) is None
