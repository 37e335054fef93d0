from featherkit.docstring import parse_docstring


def test_rest_style():
    doc = parse_docstring(
        """Summarize numbers.

        Longer text
        over two lines.

        :param xs: the numbers,
            continued here
        :param label: a name
        :return: the stats
        """
    )
    assert doc.short_description == "Summarize numbers."
    assert doc.long_description == "Longer text\nover two lines."
    assert doc.params == {"xs": "the numbers,\ncontinued here", "label": "a name"}
    assert doc.returns == "the stats"


def test_rest_typed_param():
    doc = parse_docstring(":param int n: how many\n:rtype: int\n:returns: a count")
    assert doc.params == {"n": "how many"}
    assert doc.returns == "a count"


def test_google_style():
    doc = parse_docstring(
        """Do it.

        Args:
            a (int): first
                and more
            b: second

        Returns:
            int: the total
        """
    )
    assert doc.short_description == "Do it."
    assert doc.params == {"a": "first\nand more", "b": "second"}
    assert doc.returns == "the total"


def test_numpy_style():
    doc = parse_docstring(
        """Do it.

        Parameters
        ----------
        a : int
            first one
        b : str
            second

        Returns
        -------
        total : int
            the total
        """
    )
    assert doc.params == {"a": "first one", "b": "second"}
    assert doc.returns == "the total"
    assert doc.named_returns == {"total": "the total"}


def test_empty():
    doc = parse_docstring(None)
    assert doc.short_description == "" and doc.params == {}


def test_summary_is_the_first_line_like_flytekit():
    doc = parse_docstring("Summarize numbers\nover two lines.\n\nLonger text.\n\n:param a: x")
    assert doc.short_description == "Summarize numbers"
    assert doc.long_description == "over two lines.\n\nLonger text."


def test_google_sections_we_do_not_read_end_the_parameters():
    doc = parse_docstring(
        """Train.

        Args:
            epochs: how many passes
        Note:
            Slow on CPU.
        Returns:
            the model
        Example:
            train(3)
        """
    )
    assert doc.params == {"epochs": "how many passes"}
    assert doc.returns == "the model"


def test_google_singular_return_heading_is_text_as_in_flytekit():
    # flytekit knows "Returns:" only: a "Return:" section describes no output
    doc = parse_docstring(
        """Sum.

        Args:
            a: the input

        Return:
            the result
        """
    )
    assert doc.params == {"a": "the input"}
    assert doc.returns == ""
    assert doc.named_returns == {}


def test_google_example_section_is_not_long_description():
    doc = parse_docstring(
        """Summary.

        Note:
            kept as text

        Example:
            dropped, as flytekit drops it

        Returns:
            the result
        """
    )
    assert doc.long_description == "Note:\n    kept as text"
    assert doc.returns == "the result"
