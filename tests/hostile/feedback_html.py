"""Display HTML, JavaScript, SVG, Markdown, widgets and forged images for the feedback page.

Replaces the ``jacobian_shape`` cell of ``01_scalar_wrt_scalar`` (the test adds a Markdown
and two raw cells of HTML beside it): displays ``<script>`` in every MIME type a kernel can
send, an ``onerror`` image, an image whose base64 data and metadata break out of their
attributes, an HTML widget (its comm opened by hand, as ipywidgets would: the kernel's
jail has no ipywidgets), a ``javascript:`` link, and prints ``<script>`` to stdout; then
``jacobian_shape`` raises an error whose message is HTML. Must earn 0 for ``jacobian_shape``
and 1 + 2 for the honest ``dloss_dyhat``; its feedback page must show all of it as text.
"""

from comm import create_comm
from IPython.display import HTML, SVG, Javascript, Markdown, display

display(HTML("<script>alert('hostile-html')</script>"))
display(Javascript("alert('hostile-js')"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)'
            "</script></svg>"))
display(Markdown("[hostile-link](javascript:alert('hostile-md')) <b onmouseover=alert(3)>b</b>"))
display({"text/html": "<img src=x onerror=alert('hostile-img')>",
         "text/plain": "<script>alert('hostile-plain')</script>"}, raw=True)
display({"image/png": "x\"><script>alert('hostile-png')</script>"}, raw=True)
display({"image/png": "iVBORw0KGgo="},
        metadata={"image/png": {"width": "1\" onload=\"alert('hostile-meta')"}}, raw=True)
WIDGET_HTML = "<img src=x onerror=alert('hostile-widget')>"
widget = create_comm(target_name="jupyter.widget", metadata={"version": "2.1.0"}, data={
    "buffer_paths": [], "state": {
        "_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0",
        "_model_name": "HTMLModel", "_view_module": "@jupyter-widgets/controls",
        "_view_module_version": "2.0.0", "_view_name": "HTMLView", "value": WIDGET_HTML}})
display({"application/vnd.jupyter.widget-view+json": {
    "model_id": widget.comm_id, "version_major": 2, "version_minor": 0},
    "text/plain": f"HTML(value={WIDGET_HTML!r})"}, raw=True)
print("<script>alert('hostile-stream')</script>")


def jacobian_shape(B):
    raise ValueError("<script>alert('hostile-error')</script>")
