import pytest

from preceptor.catalog.models import Course, Specialty
from preceptor.catalog.selectors import course_list


@pytest.fixture
def courses(db):
    cardio = Specialty.objects.create(name="Cardiology", slug="cardiology")
    endo = Specialty.objects.create(name="Endocrinology", slug="endocrinology")
    ecg = Course.objects.create(
        slug="ecg", title="ECG Essentials", summary="Atrial fibrillation and heart block.", is_published=True
    )
    ecg.specialties.add(cardio)
    dm = Course.objects.create(
        slug="dm", title="Diabetes Care", summary="Insulin and SGLT2 inhibitors.", is_published=True
    )
    dm.specialties.add(endo)
    Course.objects.create(slug="draft", title="Draft ECG course", summary="Not ready.", is_published=False)
    return ecg, dm


def slugs(query="", specialty=""):
    return [c.slug for c in course_list(query=query, specialty=specialty)]


def test_search_matches_title_summary_and_specialty(courses):
    assert slugs("ECG") == ["ecg"]
    assert slugs("fibrillation") == ["ecg"]
    assert slugs("insulin") == ["dm"]
    assert slugs("endocrinology") == ["dm"]


def test_every_word_must_match(courses):
    assert slugs("ECG insulin") == []


def test_unpublished_courses_are_never_listed(courses):
    assert "draft" not in slugs()
    assert "draft" not in slugs("draft")


def test_the_specialty_filter_combines_with_search(courses):
    assert slugs(specialty="cardiology") == ["ecg"]
    assert slugs("care", specialty="cardiology") == []


def test_an_empty_query_lists_all_published_courses(courses):
    assert sorted(slugs()) == ["dm", "ecg"]
