from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from preceptor.profiles.images import avatar_from_upload
from preceptor.profiles.models import RESERVED_HANDLES, Profile
from preceptor.profiles.services import EDITABLE_FIELDS


class ProfileForm(forms.ModelForm):
    new_avatar = forms.FileField(
        label=_("Upload a new photo"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, up to 5 MB. We crop it square and remove camera and location data."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my photo"), required=False)

    class Meta:
        model = Profile
        fields = list(EDITABLE_FIELDS)
        help_texts = {
            "handle": _("Lower-case letters, digits and hyphens. Your page lives at /u/your-address/."),
            "bio": _("Plain text with a little Markdown: *italic*, **bold**, [links](https://…), lists."),
            "is_hidden": _("Nobody but you can open your page while it is hidden."),
            "website": _("Starts with https://"),
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 6}),
            "location": forms.TextInput(attrs={"placeholder": _("e.g. Vienna, Austria")}),
            "specialty": forms.TextInput(attrs={"placeholder": _("e.g. Cardiology")}),
            "institution": forms.TextInput(attrs={"placeholder": _("e.g. General Hospital")}),
            "website": forms.URLInput(attrs={"placeholder": "https://"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.avatar_file: ContentFile | None = None

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"].strip().lower()
        if handle in RESERVED_HANDLES:
            raise forms.ValidationError(_("This address is reserved. Please choose another."))
        taken = Profile.objects.filter(handle__iexact=handle).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(_("This address is already taken."))
        return handle

    def clean_new_avatar(self) -> Any:
        upload = self.cleaned_data.get("new_avatar")
        if upload:
            self.avatar_file = avatar_from_upload(upload)
        return upload

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def visibility_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(field, its visibility) for the template, in page order."""
        return [(self[name], self[f"{name}_visibility"]) for name in Profile.SHOWN_FIELDS if name != "avatar"]
