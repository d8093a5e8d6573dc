def test_mechanism_page_shows_the_1_5_2_chart(client_for, leader):
    response = client_for(leader).get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "1+5+2" in text
    assert "抓大引大、做强产业项目工作专班" in text
    assert "作风督查领导小组" in text
