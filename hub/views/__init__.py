"""The hub's pages, one script per page (run by Streamlit through st.navigation)."""
