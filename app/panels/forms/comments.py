from django import forms

from ..services.comments import MAX_COMMENT_LENGTH


class EditCommentForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=MAX_COMMENT_LENGTH, label="Comment")
