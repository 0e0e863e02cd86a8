from mofan.core.catalogue import problems


def test_chinese_catalogue_is_complete() -> None:
    assert problems() == []
