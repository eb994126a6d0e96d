"""Smart booking: store recommendation, free slots, off-peak pricing, booking with the database as referee."""
