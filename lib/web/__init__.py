"""The Streamlit frame: gate and page chrome, sidebar, cached reads, views, charts, login."""
