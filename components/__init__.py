"""Streamlit and folium glue between the pages and geo/."""
