"""Chart specs: Vega-Lite templates filled with the analysis, and the <script> blocks that draw them."""
