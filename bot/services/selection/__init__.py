"""Selecting the units steered as pilots of each model, school year by school year ("lựa chọn
các tập thể, cá nhân tiêu biểu để chỉ đạo điểm và giao nhiệm vụ trong từng năm học").

The plan file's units are the first year's selection; a year the office has not changed keeps
the latest earlier year's. Who owes a year's model reports follows that year's selection, so a
change mid-year moves what the units owe; what they already sent is kept. The units concerned
are told.
"""
