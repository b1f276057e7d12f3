"""Forms for organisation profiles and awards (joining and inviting: onboarding/forms.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms import (
    LineField,
    LineURLField,
    MultiCheckboxField,
    choices,
)
from ..schemas import LONG_TEXT_MAX, NAME_MAX, NAME_MIN, SHORT_TEXT_MAX
from .labels import (
    AWARD_CATEGORY_LABELS,
    KIND_LABELS,
    LANGUAGE_OPTIONS,
    REGION_LABELS,
    SECTOR_LABELS,
    SIZE_LABELS,
    STAGE_LABELS,
    parse_languages,
)
from .schemas import (
    FIRST_AWARD_YEAR,
    LAST_AWARD_YEAR,
    LAUREATE_MAX,
    PARTNER_MAX,
    POPULATION_MAX,
    WEBSITE_MAX,
)


def _choices(labels: dict) -> list:
    return choices(labels.items())


class OrganizationForm(FlaskForm):
    kind = SelectField(_l("Kind of organisation"), choices=_choices(KIND_LABELS))
    name = LineField(_l("Name"), validators=[DataRequired(), Length(min=NAME_MIN, max=NAME_MAX)])
    country = SelectField(_l("Country"), choices=[], validators=[DataRequired()])
    region = SelectField(_l("Region"), choices=_choices(REGION_LABELS))
    languages = MultiCheckboxField(_l("Working languages"), choices=[])
    more_languages = LineField(
        _l("Other working languages"),
        validators=[Optional(), Length(max=500)],
        description=_l(
            "Any other language, by name or two-letter code, separated by commas; "
            "for example: Finnish, Swedish"
        ),
        render_kw={"list": "all-languages", "autocomplete": "off"},
    )
    website = LineURLField(
        _l("Website"),
        validators=[Optional(), Length(max=WEBSITE_MAX)],
        description=_l("A full address starting with https://"),
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=LONG_TEXT_MAX)]
    )
    sectors = MultiCheckboxField(_l("Sectors"), choices=_choices(SECTOR_LABELS))
    technologies = LineField(
        _l("Technologies and capabilities"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Separate them with commas, for example: digital twin, open data"),
    )
    challenges = TextAreaField(
        _l("Challenges (cities)"),
        validators=[Optional(), Length(max=4000)],
        description=_l("One challenge per line."),
    )
    development_stage = SelectField(
        _l("Smart-city development stage (cities)"),
        choices=choices([("", _l("Not stated")), *STAGE_LABELS.items()]),
        validators=[Optional()],
    )
    population = IntegerField(
        _l("Population (cities)"), validators=[Optional(), NumberRange(min=0, max=POPULATION_MAX)]
    )
    size = SelectField(
        _l("Company size (companies)"),
        choices=choices([("", _l("Not stated")), *SIZE_LABELS.items()]),
        validators=[Optional()],
    )

    def __init__(self, *args, country_choices=(), current_languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = choices([("", _l("Choose a country")), *country_choices])
        self.languages.choices = choices(LANGUAGE_OPTIONS(current_languages))

    def validate_more_languages(self, field) -> None:
        _codes, unknown = parse_languages(field.data or "")
        if unknown:
            raise ValidationError(_l("Not a known language: %(names)s", names=", ".join(unknown)))

    def chosen_languages(self) -> list[str]:
        """The checked languages, then the typed ones (each once)."""
        typed, _unknown = parse_languages(self.more_languages.data or "")
        return list(dict.fromkeys([*(self.languages.data or []), *typed]))

    def to_fields(self) -> dict:
        """The submitted values in the shape of members.schemas.OrganizationInput."""
        return {
            "kind": self.kind.data,
            "name": self.name.data or "",
            "country": self.country.data or "",
            "region": self.region.data,
            "languages": self.chosen_languages(),
            "website": self.website.data or "",
            "description": self.description.data or "",
            "sectors": self.sectors.data or [],
            "technologies": [t for t in (self.technologies.data or "").split(",") if t.strip()],
            "challenges": [c for c in (self.challenges.data or "").splitlines() if c.strip()],
            "development_stage": self.development_stage.data or None,
            "population": self.population.data,
            "size": self.size.data or None,
        }

    def fill_from(self, org) -> None:
        self.kind.data = org.kind.value
        self.name.data = org.name
        self.country.data = org.country
        self.region.data = org.region.value
        self.languages.data = list(org.languages or [])
        self.more_languages.data = ""
        self.website.data = org.website
        self.description.data = org.description
        self.sectors.data = org.sector_values
        self.technologies.data = ", ".join(org.technology_values)
        self.challenges.data = "\n".join(org.challenges or [])
        self.development_stage.data = str(org.development_stage or "")
        self.population.data = org.population
        self.size.data = org.size.value if org.size else ""


class AwardForm(FlaskForm):
    year = IntegerField(
        _l("Year"),
        validators=[DataRequired(), NumberRange(min=FIRST_AWARD_YEAR, max=LAST_AWARD_YEAR)],
    )
    category = SelectField(
        _l("Category"),
        choices=choices([*AWARD_CATEGORY_LABELS.items(), ("", _l("Not stated in the source"))]),
    )
    project_title = LineField(
        _l("Project title"), validators=[Optional(), Length(max=SHORT_TEXT_MAX)]
    )
    laureate_name = LineField(
        _l("Laureate (Leadership prizes)"), validators=[Optional(), Length(max=LAUREATE_MAX)]
    )
    partner = LineField(
        _l("Partner organisation (Special Mentions, e.g. GGGI, IMD)"),
        validators=[Optional(), Length(max=PARTNER_MAX)],
    )
