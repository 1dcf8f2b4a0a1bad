import pytest

from assistant.numerals import article_label, chinese_to_int, int_to_chinese

CASES = [
    (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (32, "三十二"), (100, "一百"),
    (101, "一百零一"), (110, "一百一十"), (1001, "一千零一"), (1010, "一千零一十"),
    (10001, "一万零一"), (123456789, "一亿二千三百四十五万六千七百八十九"),
]  # fmt: skip


@pytest.mark.parametrize("number,text", CASES)
def test_round_trip(number, text):
    assert int_to_chinese(number) == text
    assert chinese_to_int(text) == number


def test_other_spellings():
    assert chinese_to_int("32") == 32
    assert chinese_to_int("３２") == 32
    assert chinese_to_int("两百") == 200
    assert chinese_to_int("二〇二一") == 2021
    assert chinese_to_int("一十二") == 12


@pytest.mark.parametrize("bad", ["", "三十二条", "abc", "第一"])
def test_invalid_numerals_raise(bad):
    with pytest.raises(ValueError):
        chinese_to_int(bad)


def test_article_label():
    assert article_label(32) == "第三十二条"
    assert article_label(101) == "第一百零一条"
    assert article_label(10) == "第十条"
