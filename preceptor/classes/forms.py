from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from preceptor.catalog.media import video_seconds


class BuyForm(forms.Form):
    provider = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["provider"]
        assert isinstance(field, forms.ChoiceField)  # the copy of ``provider`` above; ``fields`` holds plain Fields
        field.choices = providers
        if len(providers) == 1:
            field.initial = providers[0][0]


class TermsForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I accept these terms, and will not use members' personal information for anything but this teaching.")
    )


class RecordingForm(forms.Form):
    video = forms.FileField(label=_("Video (MP4 or WebM)"), validators=[FileExtensionValidator(["mp4", "webm"])])
    captions = forms.FileField(label=_("Captions (WebVTT)"), validators=[FileExtensionValidator(["vtt"])])
    transcript = forms.CharField(label=_("Transcript"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_video(self):
        """The recording's length is read from the file itself, as for every lesson's video."""
        video = self.cleaned_data["video"]
        seconds = video_seconds(video)
        if seconds is None:
            raise forms.ValidationError(_("This video does not state its length. Export it again as MP4 or WebM."))
        if seconds > 6 * 3600:
            raise forms.ValidationError(_("A recording can be at most six hours long."))
        self.cleaned_data["duration"] = seconds
        return video

    def clean_captions(self):
        captions = self.cleaned_data["captions"]
        head = captions.read(16)
        captions.seek(0)
        if not head.lstrip(b"\xef\xbb\xbf").startswith(b"WEBVTT"):
            raise forms.ValidationError(_("This is not a WebVTT file (it must start with “WEBVTT”)."))
        return captions
