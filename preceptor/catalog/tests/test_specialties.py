"""Specialty names that ship are marked for translation; a name staff type shows as typed."""

from preceptor.catalog.demo_content import COURSES
from preceptor.catalog.models import Specialty
from preceptor.catalog.specialties import NAMES


def test_every_demo_specialty_has_a_translatable_name():
    used = {name for spec in COURSES for name in spec["specialties"]}
    assert used and used <= set(NAMES), sorted(used - set(NAMES))


def test_a_specialty_shows_its_label_and_an_unknown_name_as_typed():
    assert str(Specialty(name="Sportmedizin im Hochgebirge")) == "Sportmedizin im Hochgebirge"
    assert Specialty(name="").label == ""
