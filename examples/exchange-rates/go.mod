module github.com/acme-bank/exchange-rates

go 1.23
