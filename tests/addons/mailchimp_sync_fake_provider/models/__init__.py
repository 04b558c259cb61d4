from . import fake_news_account
