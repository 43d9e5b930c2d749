// exchange-rates serves foreign-exchange rates to every Acme Bank project.
//
// Rates come from the market-data feed (thirdparty:market-data/v1) and are cached for a
// minute in the component's Redis-compatible cache (database:rates-cache). Connection
// details arrive as the environment variables pave injects: CHOREO_<CONNECTION>_<KEY>.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"
)

type rates struct {
	Base      string             `json:"base"`
	Rates     map[string]float64 `json:"rates"`
	Source    string             `json:"source"`
	FetchedAt time.Time          `json:"fetchedAt"`
}

func main() {
	cache := newCache(
		os.Getenv("CHOREO_RATES_CACHE_HOSTNAME")+":"+os.Getenv("CHOREO_RATES_CACHE_PORT"),
		os.Getenv("CHOREO_RATES_CACHE_USERNAME"),
		os.Getenv("CHOREO_RATES_CACHE_PASSWORD"),
		os.Getenv("CHOREO_RATES_CACHE_DATABASENAME"),
	)
	feed := marketData{
		url:    os.Getenv("CHOREO_MARKET_DATA_SERVICEURL"),
		apiKey: os.Getenv("CHOREO_MARKET_DATA_APIKEY"),
		client: &http.Client{Timeout: 5 * time.Second},
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /rates/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /rates/{base}", func(w http.ResponseWriter, r *http.Request) {
		base := strings.ToUpper(r.PathValue("base"))
		if len(base) != 3 {
			http.Error(w, `{"error":"base must be an ISO 4217 code such as EUR"}`, http.StatusBadRequest)
			return
		}
		if cached, ok := cache.get("rates:" + base); ok {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Cache", "hit")
			fmt.Fprint(w, cached)
			return
		}
		result, err := feed.latest(r.Context(), base)
		if err != nil {
			log.Printf("market data: %v", err)
			http.Error(w, `{"error":"rates are temporarily unavailable"}`, http.StatusBadGateway)
			return
		}
		body, _ := json.Marshal(result)
		cache.set("rates:"+base, string(body), time.Minute)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})

	log.Println("exchange-rates listening on :8080")
	log.Fatal(http.ListenAndServe(":8080", mux))
}
