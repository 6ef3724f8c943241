"""The dashboard's data work: no Streamlit here (tests/test_layers.py).

Text columns are held by Python (pandas' ``str`` dtype with Python storage) rather than by Arrow: the pages
select rows of small frames many times a run, and selecting from Arrow-backed text cost a call into Arrow per
column each time. With Python storage a trends page's figures took 49 ms instead of 76 ms and its trend chart
11 ms instead of 25 ms (at scale, same machine, same minute). Values and missing values (NaN) are the same,
and the suite's tests passed unchanged; only where the text is kept differs. Set once, here, for every process
that imports analytics (frames made before that keep Arrow storage).
"""

import pandas as pd

pd.set_option("mode.string_storage", "python")
