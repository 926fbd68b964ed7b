from django import forms

from preceptor.mail.models import EmailPreference, MailingList


class EmailPreferenceForm(forms.ModelForm):
    class Meta:
        model = EmailPreference
        fields = ["newsletter", "product_news", "class_reminders"]
        labels = {name: MailingList(name).label for name in fields}
