package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// marketData is the vendor's REST gateway, configured by the catalog entry market-data/v1.
type marketData struct {
	url    string
	apiKey string
	client *http.Client
}

func (m marketData) latest(ctx context.Context, base string) (rates, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.url+"/fx/latest?base="+base, nil)
	if err != nil {
		return rates{}, err
	}
	req.Header.Set("Authorization", "Bearer "+m.apiKey)
	res, err := m.client.Do(req)
	if err != nil {
		return rates{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return rates{}, fmt.Errorf("feed answered %s", res.Status)
	}
	var quote struct {
		Rates map[string]float64 `json:"rates"`
	}
	if err := json.NewDecoder(res.Body).Decode(&quote); err != nil {
		return rates{}, err
	}
	return rates{Base: base, Rates: quote.Rates, Source: "market-data/v1", FetchedAt: time.Now().UTC()}, nil
}
