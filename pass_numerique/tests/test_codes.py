"""The check character's guarantees, proved on random codes (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pass_numerique import codes

corps = st.text(alphabet=codes.ALPHABET, min_size=9, max_size=9)


def complet(debut: str) -> str:
    return debut + codes.caractere_de_controle(debut)


@given(corps)
def test_every_generated_code_is_valid(debut):
    assert codes.est_valide(complet(debut))


@given(corps, st.integers(0, 9), st.sampled_from(codes.ALPHABET))
def test_any_single_mistyped_character_is_caught(debut, position, remplacement):
    code = complet(debut)
    faux = code[:position] + remplacement + code[position + 1 :]
    assert codes.est_valide(faux) == (faux == code)


@given(corps, st.integers(0, 8))
def test_any_swap_of_two_adjacent_characters_is_caught(debut, position):
    code = complet(debut)
    inverse = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
    assert codes.est_valide(inverse) == (inverse == code)


def test_new_codes_are_valid_distinct_and_without_look_alikes():
    tirage = {codes.nouveau_code() for _ in range(2000)}
    assert len(tirage) == 2000
    assert all(codes.est_valide(c) and not set(c) & set("01OIL") for c in tirage)


@given(corps)
def test_typing_is_forgiving_about_case_spaces_and_dashes(debut):
    code = complet(debut)
    assert codes.normaliser(f"  {codes.formater(code).lower()} ") == code
    assert codes.normaliser(" ".join(code)) == code
    assert codes.normaliser(f"https://einclusion.example/c/{code}") == code


@pytest.mark.parametrize(
    ("saisie", "message"),
    [
        ("", "Saisissez le code"),
        ("ABC", "10 caractères ; vous en avez saisi 3"),
        ("ABCDE-FGH0K", "ni 0, ni 1"),
        ("ABCDE-FGHOK", "ni 0, ni 1"),
        ("ABCDE-FGH?K", "« ? » n’existe pas"),
    ],
)
def test_bad_input_gets_a_french_message(saisie, message):
    with pytest.raises(codes.CodeInvalide) as exc:
        codes.normaliser(saisie)
    assert message in exc.value.message


def test_a_typo_is_reported_as_such():
    code = codes.nouveau_code()
    faux = code[:3] + ("A" if code[3] != "A" else "B") + code[4:]
    with pytest.raises(codes.CodeInvalide, match="faute de frappe"):
        codes.normaliser(faux)
