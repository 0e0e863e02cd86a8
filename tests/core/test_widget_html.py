"""The layout's fast widget rendering writes what Django's own widget templates write."""

import re

import pytest
from django import forms
from django.utils.safestring import mark_safe

from mofan.core.templatetags.mofan import control
from mofan.core.widgets import DatePicker, TreePicker, widget_html


def _squeeze(html: str) -> str:
    # Django's select template puts newlines and indentation between options.
    return re.sub(r">\s+<", "><", html.strip())


class Everything(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=20)
    name = forms.CharField(label="姓名", widget=forms.TextInput(attrs={"placeholder": "张三"}))
    mail = forms.EmailField(label="邮箱", required=False)
    count = forms.IntegerField(label="人数", min_value=1, required=False)
    when = forms.DateField(label="日期", required=False, widget=DatePicker())
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("full", "正式党员"), ("probationary", "预备党员")]
    )
    kinds = forms.MultipleChoiceField(
        label="类型", required=False, choices=[("a", "<甲>"), ("b", "乙 & 丙"), ("c", "丁")]
    )
    grouped = forms.ChoiceField(
        label="分组",
        required=False,
        choices=[("", "—"), ("一组", [("1", "一"), ("2", "二")]), ("3", mark_safe("<b>三</b>"))],
    )
    flag = forms.BooleanField(label="标记", required=False)
    picked = forms.ChoiceField(label="组织", required=False, widget=TreePicker(), choices=[])


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"q": '"><script>alert(1)</script>', "name": "李四", "status": "full", "kinds": ["a", "c"]},
        {"name": "", "status": "nope", "count": "0", "grouped": "2", "mail": "x"},
    ],
)
def test_same_markup_as_django(data):
    form = Everything(data, initial={"status": "probationary", "grouped": "3"})
    if data is not None:
        form.is_valid()  # errors make the fields invalid (aria-invalid) as on a real page
    for field in form:
        for attrs in ({"class": "form-control"}, {"class": "form-select is-invalid"}, {}):
            expected = field.as_widget(attrs=dict(attrs))
            assert _squeeze(widget_html(field, attrs)) == _squeeze(expected), field.name


def test_escapes_what_it_writes():
    form = Everything({"q": '"><img src=x onerror=alert(1)>', "name": "x", "status": "full"})
    html = widget_html(form["q"], {"class": "form-control"})
    assert "<img" not in html and "&quot;&gt;&lt;img" in html
    options = widget_html(form["kinds"], {})
    assert "&lt;甲&gt;" in options and "乙 &amp; 丙" in options
    assert "<b>三</b>" in widget_html(form["grouped"], {})  # a label marked safe stays as it is


def test_control_filter_uses_it_and_marks_errors():
    form = Everything({"name": "", "status": "full"})
    assert not form.is_valid()
    html = control(form["name"])
    assert 'class="form-control is-invalid"' in html and 'aria-invalid="true"' in html
    assert 'class="form-select"' in control(form["status"])
